namespace MLGradientInsight.Cli.Tests;

[TestClass]
public sealed class PhaseTimerTest
{
    [TestMethod]
    [DataRow(null)]
    [DataRow("")]
    [DataRow("0")]
    [DataRow("yes")]
    public void StartIf_AnythingButOne_GivesNoTimer(string? setting)
    {
        Assert.IsNull(PhaseTimer.StartIf(setting));
    }

    [TestMethod]
    public void Report_WritesOneTimingLineToStderr_WithEveryPhaseInOrder()
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var console = new CliConsole(output, error, false, 80, false);

        PhaseTimer timer = PhaseTimer.StartIf("1")!;
        timer.Mark("data");
        timer.Mark("fit");
        timer.Report(console);

        Assert.AreEqual(string.Empty, output.ToString());
        string[] lines = error.ToString().Split(Environment.NewLine, StringSplitOptions.RemoveEmptyEntries);
        Assert.HasCount(1, lines);
        StringAssert.Matches(lines[0], new System.Text.RegularExpressions.Regex(@"^timing: start-up \d+\.\d\d s, data \d+\.\d\d s, fit \d+\.\d\d s, total \d+\.\d\d s$"));
    }
}
