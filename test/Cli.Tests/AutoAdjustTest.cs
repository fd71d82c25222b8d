using MLGradientInsight.Transforms.Store;

namespace MLGradientInsight.Cli.Tests;

/// <summary><c>mlgi train --track --auto-adjust</c> and the advisor's lines in the progress display.</summary>
[TestClass]
public sealed class AutoAdjustTest
{
    [TestMethod]
    [DataRow("--dataset curve --auto-adjust", "--auto-adjust has no effect without --track")]
    [DataRow("--dataset curve --track --auto-adjust-cooldown 5", "--auto-adjust-cooldown has no effect without --auto-adjust")]
    [DataRow("--dataset curve --track --auto-adjust --schedule cosine", "--auto-adjust needs --schedule constant")]
    [DataRow("--dataset curve --track --auto-adjust --auto-adjust-factor 20", "--auto-adjust-factor")]
    public void Combination_IsRefused(string args, string message)
    {
        CliResult r = CliRunner.Run(["train", .. args.Split(' ')]);
        Assert.AreEqual(1, r.ExitCode, r.Output);
        StringAssert.Contains(r.Err, message);
    }

    [TestMethod]
    public void LearningRateFarTooHigh_IsLowered_AndEveryDecisionIsStored()
    {
        string store = CliRunner.TempPath(".db");
        try
        {
            CliResult r = CliRunner.RunLive(160, "train", "--dataset", "spirals", "--limit", "2000", "--epochs", "4", "--batch", "16", "--lr", "5", "--threads", "1",
                "--track", "--store", store, "--auto-adjust", "--auto-adjust-warmup", "50", "--auto-adjust-cooldown", "50");
            Assert.AreEqual(0, r.ExitCode, r.Output);

            RunStore s = RunStore.Open(store);
            string run = s.ListRuns().Single().Id;
            IReadOnlyList<AdvisorActionRecord> decisions = s.ReadAdvisorActions(run);
            AdvisorActionRecord[] applied = [.. decisions.Where(d => d.Outcome == AdvisorActionRecord.Applied)];
            Assert.IsNotEmpty(applied, r.Output);
            Assert.AreEqual(5, applied[0].OldLearningRate, 1e-6);
            Assert.AreEqual("lower-learning-rate", applied[0].Action, "a learning rate far too high is lowered first");
            Assert.IsLessThan(5, applied[^1].NewLearningRate, "and ends lower than it started");
            foreach (AdvisorActionRecord d in applied)
            {
                // Later decisions are the advisor's reading of the run as it recovers (it may raise the rate again).
                CollectionAssert.Contains(new[] { "lower-learning-rate", "raise-learning-rate" }, d.Action);
                double factor = d.Action == "lower-learning-rate" ? 0.5 : 2;
                Assert.AreEqual(d.OldLearningRate * factor, d.NewLearningRate, 1e-6, "the default factor");
                Assert.IsGreaterThanOrEqualTo(50, d.Step, "never in the warm-up");
                Assert.IsFalse(string.IsNullOrWhiteSpace(d.Evidence));
                StringAssert.Contains(r.Out, $"step {d.Step}: --auto-adjust {d.Action}: learning rate");
            }

            for (int i = 1; i < applied.Length; i++)
            {
                Assert.IsGreaterThanOrEqualTo(50, applied[i].Step - applied[i - 1].Step, "the cool-down");
            }

            // The learning rate the steps table recorded follows the decisions.
            IReadOnlyList<StepRecord> steps = s.ReadSteps(run);
            Assert.AreEqual(applied[^1].NewLearningRate, steps[^1].LearningRate, 1e-6);
            StringAssert.Contains(r.Out, $"--auto-adjust: {applied.Length} learning-rate change(s)");

            // mlgi runs --decisions: the stored decisions, piped as TSV and as JSON.
            CliResult tsv = CliRunner.Run("runs", "--store", store, "--decisions", run);
            Assert.AreEqual(0, tsv.ExitCode, tsv.Output);
            string[] lines = tsv.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries);
            Assert.AreEqual("step\taction\toutcome\told_lr\tnew_lr\tevidence", lines[0]);
            Assert.HasCount(decisions.Count + 1, lines);
            string[] first = lines[1 + decisions.ToList().IndexOf(applied[0])].Split('\t');
            Assert.AreEqual(applied[0].Step.ToString(System.Globalization.CultureInfo.InvariantCulture), first[0]);
            Assert.AreEqual("applied", first[2]);
            Assert.AreEqual(applied[0].NewLearningRate, double.Parse(first[4], System.Globalization.CultureInfo.InvariantCulture), 1e-9);
            CliResult json = CliRunner.Run("runs", "--store", store, "--decisions", run, "--json");
            Assert.AreEqual(0, json.ExitCode, json.Output);
            using System.Text.Json.JsonDocument doc = System.Text.Json.JsonDocument.Parse(json.Out);
            Assert.AreEqual(decisions.Count, doc.RootElement.GetArrayLength());
            Assert.AreEqual(applied[^1].Evidence, doc.RootElement.EnumerateArray().Last(e => e.GetProperty("outcome").GetString() == "applied").GetProperty("evidence").GetString());
            CliResult unknown = CliRunner.Run("runs", "--store", store, "--decisions", "no-such-run");
            Assert.AreEqual(1, unknown.ExitCode, unknown.Output);
            StringAssert.Contains(unknown.Err, "no-such-run");

            // Live progress: the advisor's lines on stdout (shape; advice — evidence), its short form in the live line.
            StringAssert.Matches(r.Out, new System.Text.RegularExpressions.Regex(@"step \d+: network activity (uniform|chaotic|rising|decaying); advice lower-learning-rate — \S"));
            StringAssert.Matches(r.Err, new System.Text.RegularExpressions.Regex(@"(uniform|chaotic|rising|decaying) → [a-z-]+"));
        }
        finally
        {
            CliRunner.DeleteStore(store);
        }
    }

    [TestMethod]
    public void NarrowTerminal_DropsTheShortFormButKeepsTheLinesAbove()
    {
        string store = CliRunner.TempPath(".db");
        try
        {
            CliResult r = CliRunner.RunLive(40, "train", "--dataset", "spirals", "--limit", "1000", "--epochs", "2", "--batch", "16", "--lr", "5", "--threads", "1", "--track", "--store", store);
            Assert.AreEqual(0, r.ExitCode, r.Output);
            Assert.DoesNotContain("→", r.Err, "no room for the short form in 39 columns");
            StringAssert.Contains(r.Out, ": network activity ");
            Assert.IsEmpty(RunStore.Open(store).ReadAdvisorActions(RunStore.Open(store).ListRuns().Single().Id), "without --auto-adjust nothing is decided");
        }
        finally
        {
            CliRunner.DeleteStore(store);
        }
    }
}
