using MLGradientInsight.Samples.TorchSharpTracking;
using MLGradientInsight.Transforms.Activity;
using MLGradientInsight.Transforms.Store;

namespace MLGradientInsight.Trainers.Torch.Tests.Samples;

[TestClass]
public sealed class SpiralsLoopTests
{
    [TestMethod]
    public void The_sample_loop_writes_a_completed_tracked_run_whose_loss_falls()
    {
        string path = Path.Combine(Path.GetTempPath(), $"mlgi-sample-{Guid.NewGuid():N}.db");
        try
        {
            string runId = SpiralsLoop.Run(path, epochs: 3);

            RunStore store = RunStore.Open(path);
            Assert.AreEqual(RunStatus.Completed, store.GetRun(runId).Status);
            IReadOnlyList<StepRecord> steps = store.ReadSteps(runId);
            Assert.HasCount(3 * 32, steps);
            Assert.IsLessThan(steps.Take(10).Average(s => s.Loss), steps.TakeLast(10).Average(s => s.Loss), "the loss falls");
            ActivityRecord[] rows = [.. store.ReadActivity(runId)];
            CollectionAssert.AreEquivalent(new[] { "network", "fc1", "fc2", "fc3" }, rows.Select(r => r.Layer).Distinct().ToArray());
            Assert.AreEqual(3 * 32 - 11, rows.Count(r => r.Layer == ActivityRecord.NetworkLayer), "one network row per step after the 1 + 10 warm-up steps");
            Assert.IsTrue(rows.All(r => Math.Abs(r.LearningRate - 0.01) < 1e-9));
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            foreach (string f in Directory.GetFiles(Path.GetTempPath(), Path.GetFileName(path) + "*"))
            {
                File.Delete(f);
            }
        }
    }
}
