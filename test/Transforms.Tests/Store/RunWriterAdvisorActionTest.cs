using MLGradientInsight.Transforms.Store;

namespace MLGradientInsight.Transforms.Tests.Store;

[TestClass]
public sealed class RunWriterAdvisorActionTest
{
    [TestMethod]
    public void Advisor_actions_read_back_in_write_order_with_NaN_learning_rates()
    {
        using var folder = new TempFolder();
        RunStore store = RunStore.Open(folder.File("runs.db"));
        RunWriter writer = store.StartRun("loop");
        AdvisorActionRecord[] written =
        [
            new() { Step = 300, Action = "lower-learning-rate", Outcome = "applied", OldLearningRate = 0.5, NewLearningRate = 0.25, Evidence = "loss rising" },
            new() { Step = 120, Action = "check-data", Outcome = "reported", Evidence = "activity pinned — ünïcode" },
            new() { Step = 310, Action = "lower-learning-rate", Outcome = "cool-down", OldLearningRate = 0.25, NewLearningRate = 0.25, Evidence = "" },
        ];
        foreach (AdvisorActionRecord a in written)
        {
            writer.WriteAdvisorAction(a);
        }

        writer.Complete();
        writer.Dispose();

        CollectionAssert.AreEqual(written.Select(a => a with { Run = writer.RunId }).ToArray(), store.ReadAdvisorActions(writer.RunId).ToArray());
        RunWriter other = store.StartRun("plain");
        other.Complete();
        other.Dispose();
        Assert.IsEmpty(store.ReadAdvisorActions(other.RunId));
    }

    [TestMethod]
    public void WriteAdvisorAction_rejects_a_negative_step()
    {
        using var folder = new TempFolder();
        using RunWriter writer = RunStore.Open(folder.File("runs.db")).StartRun("bad");

        ArgumentOutOfRangeException error = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => writer.WriteAdvisorAction(new AdvisorActionRecord { Step = -1 }));

        Assert.AreEqual("record", error.ParamName);
    }

    [TestMethod]
    public void Opening_a_version_1_store_made_before_advisor_actions_adds_their_table()
    {
        using var folder = new TempFolder();
        string path = folder.StoreWithout("advisor_actions");

        RunStore store = RunStore.Open(path);
        using RunWriter writer = store.StartRun("old");
        writer.WriteAdvisorAction(new AdvisorActionRecord { Step = 7, Action = "raise-learning-rate", Outcome = "warm-up", OldLearningRate = 1e-4, NewLearningRate = 1e-4, Evidence = "flat" });
        writer.Complete();

        Assert.AreEqual("7 raise-learning-rate warm-up", store.ReadAdvisorActions(writer.RunId).Select(a => $"{a.Step} {a.Action} {a.Outcome}").Single());
    }
}
