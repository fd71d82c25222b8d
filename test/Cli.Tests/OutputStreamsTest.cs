using System.Text.Json;
using System.Text.RegularExpressions;

namespace MLGradientInsight.Cli.Tests;

/// <summary>Class: results on stdout, errors/warnings/status on stderr; script-friendly forms when piped.</summary>
[TestClass]
public sealed partial class OutputStreamsTest
{
    [TestMethod]
    public void ParseError_PrintsTheErrorAndOneLinePointingToHelp()
    {
        CliResult r = CliRunner.Run("train", "--no-such-option");
        Assert.AreEqual(1, r.ExitCode);
        Assert.AreEqual("", r.Out);
        string[] lines = r.Err.TrimEnd().Split('\n');
        Assert.HasCount(2, lines, r.Err);
        StringAssert.Contains(lines[0], "error: ");
        StringAssert.Contains(lines[0], "--no-such-option");
        Assert.AreEqual("Run 'mlgi train --help' for the options and their valid values.", lines[1]);
    }

    [TestMethod]
    public void Help_GoesToStdout_AndExitsZero()
    {
        CliResult r = CliRunner.Run("train", "--help");
        Assert.AreEqual(0, r.ExitCode, r.Output);
        StringAssert.Contains(r.Out, "--activity-detail");
        StringAssert.Contains(r.Out, "a number greater than 0", "help shows each range in words");
    }

    [TestMethod]
    public void LongErrorMessages_AreNotHardWrapped()
    {
        CliResult r = CliRunner.Run("train", "--dataset", "fashion-mnist", "--data-dir", "/nonexistent/a/rather/long/folder/name/that/would/wrap/at/eighty/columns/fmnist");
        Assert.AreEqual(2, r.ExitCode, r.Output);
        string line = r.Err.Split('\n')[0];
        StringAssert.Contains(line, "sudo apt-get install dataset-fashion-mnist", "the whole message is on one line");
        Assert.IsGreaterThan(200, line.Length);
    }

    [TestMethod]
    public void Runs_WhenPiped_IsTabSeparated_AndJsonOnRequest_WithMessageAndFinalMetrics()
    {
        string store = CliRunner.TempPath(".db");
        try
        {
            Assert.AreEqual(0, CliRunner.Run("train", "--dataset", "blobs", "--limit", "200", "--epochs", "2", "--track", "--store", store, "--name", "piped run").ExitCode);
            using (Transforms.Store.RunWriter writer = Transforms.Store.RunStore.Open(store).StartRun("stopped"))
            {
                writer.Interrupt("stopped by\tCtrl+C\nafter step 3");
            }

            CliResult r = CliRunner.Run("runs", "--store", store);
            Assert.AreEqual(0, r.ExitCode, r.Output);
            string[] lines = r.Out.TrimEnd('\n').Split('\n');
            Assert.AreEqual(string.Join('\t', RunsCommand.Columns), lines[0]);
            Assert.HasCount(3, lines, r.Out);
            string[][] rows = [.. lines.Skip(1).Select(l => l.Split('\t'))];
            Assert.IsTrue(rows.All(c => c.Length == RunsCommand.Columns.Length), "every row has every column (tabs inside values are replaced)");
            string[] trained = rows.Single(c => c[1] == "piped run");
            Assert.AreEqual("completed", trained[2]);
            Assert.AreEqual("2", trained[6]);
            Assert.IsGreaterThan(0.5, double.Parse(trained[9], System.Globalization.CultureInfo.InvariantCulture), "final test accuracy");
            string[] stopped = rows.Single(c => c[1] == "stopped");
            Assert.AreEqual("interrupted", stopped[2]);
            Assert.AreEqual("stopped by Ctrl+C after step 3", stopped[10]);

            r = CliRunner.Run("runs", "--store", store, "--json");
            Assert.AreEqual(0, r.ExitCode, r.Output);
            using JsonDocument json = JsonDocument.Parse(r.Out);
            JsonElement first = json.RootElement.EnumerateArray().Single(e => e.GetProperty("name").GetString() == "piped run");
            Assert.AreEqual("completed", first.GetProperty("status").GetString());
            Assert.IsGreaterThan(0.5, first.GetProperty("test_accuracy").GetDouble());
            Assert.AreEqual(JsonValueKind.Number, first.GetProperty("train_loss").ValueKind);
        }
        finally
        {
            CliRunner.DeleteStore(store);
        }
    }

    [TestMethod]
    public void ExportToDash_WritesTheCsvToStdout_AndStatusToStderr()
    {
        string store = CliRunner.TempPath(".db"), csv = CliRunner.TempPath(".csv");
        try
        {
            CliResult train = CliRunner.Run("train", "--dataset", "curve", "--limit", "300", "--epochs", "1", "--batch", "10", "--track", "--store", store);
            Assert.AreEqual(0, train.ExitCode, train.Output);
            string id = RunId().Match(train.Out).Groups[1].Value;
            CliResult r = CliRunner.Run("export", id, "--csv", "-", "--store", store);
            Assert.AreEqual(0, r.ExitCode, r.Output);
            StringAssert.StartsWith(r.Out, "run,step,epoch,layer,activity");
            StringAssert.Contains(r.Err, $"exported run {id}");
            Assert.AreEqual(0, CliRunner.Run("export", id, "--csv", csv, "--store", store).ExitCode);
            Assert.AreEqual(File.ReadAllText(csv), r.Out, "stdout holds exactly the CSV the file form writes");
        }
        finally
        {
            CliRunner.DeleteStore(store);
            File.Delete(csv);
        }
    }

    [TestMethod]
    public void UnknownRun_IsAnArgumentError_WithoutDotNetText()
    {
        string store = CliRunner.TempPath(".db");
        try
        {
            Transforms.Store.RunStore.Open(store);
            CliResult r = CliRunner.Run("export", "nosuchrun", "--csv", "-", "--store", store);
            Assert.AreEqual(1, r.ExitCode, r.Output);
            StringAssert.Contains(r.Err, "'nosuchrun'");
            Assert.DoesNotContain("(Parameter", r.Err);
        }
        finally
        {
            CliRunner.DeleteStore(store);
        }
    }

    [TestMethod]
    public void UnexpectedException_IsReportedAsABug_WithALogFileAndExitCode70()
    {
        var err = new StringWriter();
        var console = new CliConsole(new StringWriter(), err, false, 80, false);
        int code = MlgiApp.Report(new InvalidOperationException("internal state broken"), ["train", "--x"], console);
        Assert.AreEqual(ExitCodes.InternalError, code);
        Assert.AreNotEqual(ExitCodes.DataError, code);
        Match log = Regex.Match(err.ToString(), @"in (\S+mlgi-crash-\S+\.log);");
        Assert.IsTrue(log.Success, err.ToString());
        StringAssert.Contains(err.ToString(), "This is a bug in mlgi");
        Assert.DoesNotContain("internal state broken", err.ToString(), "raw exception text stays in the log");
        string text = File.ReadAllText(log.Groups[1].Value);
        StringAssert.Contains(text, "internal state broken");
        StringAssert.Contains(text, "command: mlgi train --x");
        File.Delete(log.Groups[1].Value);
    }

    [GeneratedRegex(@"run (r[0-9a-f]+) recording")]
    private static partial Regex RunId();
}
