using System.Text.RegularExpressions;

namespace MLGradientInsight.Cli.Tests;

[TestClass]
public sealed partial class StoreCommandsTest
{
    [TestMethod]
    public void TrackedRun_IsListedExportedAndImportedBack()
    {
        string store = CliRunner.TempPath(".db"), other = CliRunner.TempPath(".db"), csv = CliRunner.TempPath(".csv");
        try
        {
            (int code, string output) = CliRunner.Run("train", "--dataset", "curve", "--limit", "500", "--epochs", "2", "--batch", "10", "--track", "--store", store);
            Assert.AreEqual(0, code, output);
            Match id = RunLine().Match(output);
            Assert.IsTrue(id.Success, output);
            Assert.StartsWith("run ", output.TrimStart(), "the run id is printed first");
            string runId = id.Groups[1].Value;

            (code, output) = CliRunner.Run("runs", "--store", store);
            Assert.AreEqual(0, code, output);
            StringAssert.Contains(output, runId);
            StringAssert.Contains(output, "completed");

            (code, output) = CliRunner.Run("export", runId, "--csv", csv, "--store", store);
            Assert.AreEqual(0, code, output);
            string[] lines = File.ReadAllLines(csv);
            string[] header = lines[0].Split(',');
            CollectionAssert.IsSubsetOf(new[] { "run", "step", "layer", "activity" }, header);

            // 400 training samples / batch 10 × 2 epochs = 80 steps; the first step and 10 warm-up steps
            // emit nothing: 69 steps × (network + fc1..fc4).
            Assert.HasCount(1 + (69 * 5), lines);
            Assert.AreEqual(69, lines.Count(l => l.Contains(",network,", StringComparison.Ordinal)));

            (code, output) = CliRunner.Run("import", csv, "--store", other);
            Assert.AreEqual(0, code, output);
            StringAssert.Contains(output, "imported run");
            (code, output) = CliRunner.Run("runs", "--store", other);
            Assert.AreEqual(0, code, output);
            StringAssert.Contains(output, "completed");
        }
        finally
        {
            foreach (string f in new[] { store, other, csv })
            {
                foreach (string suffix in new[] { "", "-wal", "-shm" })
                {
                    File.Delete(f + suffix);
                }
            }
        }
    }

    [TestMethod]
    public void ActivityLayers_TracksOnlyThoseLayers_AndRejectsUnknownOnes()
    {
        string store = CliRunner.TempPath(".db"), csv = CliRunner.TempPath(".csv");
        try
        {
            (int code, string output) = CliRunner.Run("train", "--dataset", "curve", "--limit", "250", "--epochs", "1", "--batch", "10", "--track", "--store", store, "--activity-layers", "fc1,fc4", "--name", "subset");
            Assert.AreEqual(0, code, output);
            Assert.AreEqual(0, CliRunner.Run("export", "subset", "--csv", csv, "--store", store).ExitCode);
            string[] layers = [.. File.ReadAllLines(csv).Skip(1).Select(l => l.Split(',')[3]).Distinct().Order()];
            CollectionAssert.AreEqual(new[] { "fc1", "fc4", "network" }, layers);

            (code, output) = CliRunner.Run("train", "--dataset", "curve", "--limit", "50", "--track", "--store", store, "--activity-layers", "fc9");
            Assert.AreEqual(1, code, output);
            StringAssert.Contains(output, "unknown layer(s) fc9");
            StringAssert.Contains(output, "fc1, fc2, fc3, fc4");
        }
        finally
        {
            File.Delete(store);
            File.Delete(csv);
        }
    }

    [TestMethod]
    public void Runs_OnMissingStore_SaysHowToCreateOne()
    {
        (int code, string output) = CliRunner.Run("runs", "--store", "/nonexistent/runs.db");
        Assert.AreEqual(2, code, output);
        StringAssert.Contains(output, "mlgi train --track");
    }

    [TestMethod]
    public void Export_UnknownRun_Fails()
    {
        string store = CliRunner.TempPath(".db");
        try
        {
            Assert.AreEqual(0, CliRunner.Run("train", "--dataset", "curve", "--limit", "100", "--epochs", "1", "--track", "--store", store).ExitCode);
            (int code, string output) = CliRunner.Run("export", "nosuchrun", "--csv", CliRunner.TempPath(".csv"), "--store", store);
            Assert.AreNotEqual(0, code);
            StringAssert.Contains(output, "nosuchrun");
        }
        finally
        {
            File.Delete(store);
        }
    }

    [TestMethod]
    public void Import_BadFile_ImportsNothingAndNamesTheLine()
    {
        string store = CliRunner.TempPath(".db"), csv = CliRunner.TempPath(".csv");
        File.WriteAllText(csv, "step,layer,activity\n1,network,0.5\n2,network,abc\n");
        try
        {
            (int code, string output) = CliRunner.Run("import", csv, "--store", store);
            Assert.AreEqual(2, code, output);
            StringAssert.Contains(output, "line 3");
            Assert.IsFalse(File.Exists(store), "a bad file does not even create the store");
        }
        finally
        {
            File.Delete(store);
            File.Delete(csv);
        }
    }

    [GeneratedRegex(@"run (r[0-9a-f]+) recording")]
    private static partial Regex RunLine();

    [TestMethod]
    public void A_regression_run_stores_no_accuracy_and_runs_shows_a_dash()
    {
        string store = CliRunner.TempPath(".db");
        try
        {
            (int code, string output) = CliRunner.Run("train", "--dataset", "curve", "--limit", "200", "--epochs", "2", "--batch", "10", "--track", "--store", store, "--name", "curve", "--threads", "1");
            Assert.AreEqual(0, code, output);
            var runs = Transforms.Store.RunStore.Open(store);
            IReadOnlyList<Transforms.Store.EpochRecord> epochs = runs.ReadEpochs(runs.FindRun("curve").Id);
            Assert.HasCount(2, epochs);
            Assert.IsTrue(epochs.All(e => double.IsNaN(e.TrainAccuracy) && double.IsNaN(e.ValidationAccuracy)), "stored as NULL, read back as NaN");
            Assert.IsTrue(epochs.All(e => double.IsFinite(e.TrainLoss)));

            (code, output) = CliRunner.Run("runs", "--store", store, "--json");
            Assert.AreEqual(0, code, output);
            StringAssert.Contains(output, "\"test_accuracy\": null");

            var table = new StringWriter();
            code = MlgiApp.Run(["runs", "--store", store], new CliConsole(table, new StringWriter(), isTerminal: true, 200, live: false));
            Assert.AreEqual(0, code);
            string row = table.ToString().Split('\n').Single(l => l.Contains("curve", StringComparison.Ordinal));
            StringAssert.Contains(row, RunsCommand.Missing, "test accuracy");
            Assert.DoesNotContain("0.00%", row);
        }
        finally
        {
            CliRunner.DeleteStore(store);
        }
    }
}
