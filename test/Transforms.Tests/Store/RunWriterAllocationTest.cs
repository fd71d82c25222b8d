using Microsoft.Data.Sqlite;
using MLGradientInsight.Transforms.Store;

namespace MLGradientInsight.Transforms.Tests.Store;

[TestClass]
public sealed class RunWriterAllocationTest
{
    [TestMethod]
    public void WriteStep_allocates_nothing_on_the_training_thread_once_the_queue_has_grown()
    {
        using var folder = new TempFolder();
        string path = folder.File("runs.db");
        RunStore store = RunStore.Open(path);
        using RunWriter writer = store.StartRun("allocations");

        // Hold the write lock so the writer thread cannot drain: the queue grows to its working size now.
        using (var blocker = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Pooling = false }.ToString()))
        {
            blocker.Open();
            using SqliteTransaction hold = blocker.BeginTransaction();
            for (int step = 1; step <= 5_000; step++)
            {
                writer.WriteStep(step, 1, 0.5, 0.1, 1);
            }

            hold.Rollback();
        }

        writer.Flush();
        var allocated = new long[4];
        for (int round = 0; round < allocated.Length; round++)
        {
            long before = GC.GetAllocatedBytesForCurrentThread();
            for (int step = 1; step <= 1_000; step++)
            {
                writer.WriteStep(5_000 + (round * 1_000) + step, 1, 0.5, 0.1, 1);
            }

            allocated[round] = GC.GetAllocatedBytesForCurrentThread() - before;

            // Let the writer thread drain and wait again, so the next round also exercises waking it.
            writer.Flush();
        }

        writer.Complete();
        CollectionAssert.AreEqual(new long[allocated.Length], allocated, $"Bytes allocated per 1 000 steps: {string.Join(", ", allocated)}.");
        Assert.AreEqual(9_000L, store.GetRun(writer.RunId).StepCount);
    }
}
