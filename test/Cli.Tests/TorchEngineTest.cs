using MLGradientInsight.Transforms.Activity;
using MLGradientInsight.Transforms.Store;

namespace MLGradientInsight.Cli.Tests;

/// <summary><c>mlgi train --engine torchsharp</c> end to end: trains, tracks into the store, saves, and ends like the managed engine.</summary>
[TestClass]
public sealed class TorchEngineTest
{
    [TestMethod]
    public void Train_WithTheTorchSharpEngine_RecordsACompletedTrackedRunAndSavesTheWeights()
    {
        string store = CliRunner.TempPath(".db"), weights = CliRunner.TempPath(".safetensors");
        try
        {
            CliResult r = CliRunner.Run("train", "--engine", "torchsharp", "--dataset", "curve", "--limit", "300", "--epochs", "2", "--batch", "10",
                "--lr", "0.05", "--threads", "1", "--track", "--store", store, "--save", weights);
            Assert.AreEqual(0, r.ExitCode, r.Output + r.Err);
            StringAssert.Contains(r.Output, "engine torchsharp");
            StringAssert.Contains(r.Output, "test loss");
            StringAssert.Contains(r.Output, "next:", "the shared end of run prints what to do next");
            Assert.IsTrue(File.Exists(weights));
            RunStore s = RunStore.Open(store);
            RunInfo run = s.ListRuns().Single();
            Assert.AreEqual(RunStatus.Completed, run.Status);
            StringAssert.EndsWith(run.Name, "(torchsharp)");

            // 240 training samples / 10 = 24 steps per epoch, 48 in all; activity from step 12 (warm-up 10).
            Assert.HasCount(48, s.ReadSteps(run.Id));
            Assert.HasCount(2, s.ReadEpochs(run.Id));
            ActivityRecord[] network = [.. s.ReadActivity(run.Id).Where(a => a.Layer == ActivityRecord.NetworkLayer)];
            Assert.HasCount(48 - 11, network);
            Assert.IsTrue(network.All(a => double.IsFinite(a.Activity) && double.IsFinite(a.UpdateNorm)), "activity and update norms of every step after warm-up");
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            CliRunner.DeleteStore(store);
            File.Delete(weights);
        }
    }

    [TestMethod]
    public void Track_WithTheTorchSharpEngine_FeedsTheLiveAdvisor_AndStillWritesEveryStep()
    {
        string store = CliRunner.TempPath(".db");
        try
        {
            CliResult r = CliRunner.Run("train", "--engine", "torchsharp", "--dataset", "spirals", "--limit", "1000", "--epochs", "2", "--batch", "16",
                "--lr", "5", "--threads", "1", "--track", "--store", store);
            Assert.AreEqual(0, r.ExitCode, r.Output + r.Err);
            StringAssert.Matches(r.Out, new System.Text.RegularExpressions.Regex(@"step \d+: network activity (uniform|chaotic|rising|decaying); advice [a-z-]+ — \S"), "the live advisor's line");
            RunStore s = RunStore.Open(store);
            RunInfo run = s.ListRuns().Single();

            // 800 training samples / 16 = 50 steps per epoch: every step row is still written with the advisor beside the writer.
            Assert.HasCount(100, s.ReadSteps(run.Id));
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            CliRunner.DeleteStore(store);
        }
    }
}
