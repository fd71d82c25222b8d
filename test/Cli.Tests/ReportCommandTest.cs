namespace MLGradientInsight.Cli.Tests;

[TestClass]
public sealed class ReportCommandTest
{
    [TestMethod]
    public void Report_of_two_trained_runs_writes_one_html_file_with_both()
    {
        string store = CliRunner.TempPath(".db");
        string html = CliRunner.TempPath(".html");
        try
        {
            Assert.AreEqual(0, CliRunner.Run("train", "--dataset", "curve", "--limit", "200", "--epochs", "1", "--batch", "10", "--track", "--store", store, "--name", "first", "--threads", "1").ExitCode);
            Assert.AreEqual(0, CliRunner.Run("train", "--dataset", "blobs", "--limit", "200", "--epochs", "1", "--batch", "10", "--track", "--store", store, "--name", "second", "--threads", "1").ExitCode);

            (int code, string output) = CliRunner.Run("report", "first", "second", "--store", store, "--out", html);

            Assert.AreEqual(0, code, output);
            StringAssert.Contains(output, "wrote");
            string text = File.ReadAllText(html);
            StringAssert.Contains(text, "\"name\":\"first\"");
            StringAssert.Contains(text, "\"name\":\"second\"");
        }
        finally
        {
            File.Delete(store);
            File.Delete(html);
        }
    }

    [TestMethod]
    public void Report_with_an_unknown_run_or_a_bad_budget_fails_with_a_message()
    {
        string store = CliRunner.TempPath(".db");
        try
        {
            Assert.AreEqual(0, CliRunner.Run("train", "--dataset", "curve", "--limit", "100", "--epochs", "1", "--track", "--store", store, "--threads", "1").ExitCode);

            (int code, string output) = CliRunner.Run("report", "nosuchrun", "--store", store, "--out", CliRunner.TempPath(".html"));
            Assert.AreNotEqual(0, code);
            StringAssert.Contains(output, "nosuchrun");

            (code, output) = CliRunner.Run("report", "nosuchrun", "--store", store, "--max-points", "3");
            Assert.AreEqual(1, code);
            StringAssert.Contains(output, "--max-points 3");

            (code, output) = CliRunner.Run("report", "x", "--store", CliRunner.TempPath(".db"));
            Assert.AreEqual(2, code);
            StringAssert.Contains(output, "does not exist");
        }
        finally
        {
            File.Delete(store);
        }
    }
}
