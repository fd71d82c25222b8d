using System.Text.RegularExpressions;

namespace MLGradientInsight.Cli.Tests;

/// <summary>Class: the live display fits the terminal width, degrades to fewer columns, and prints each epoch as it ends.</summary>
[TestClass]
public sealed partial class ProgressDisplayTest
{
    [TestMethod]
    [DataRow(80)]
    [DataRow(120)]
    [DataRow(40)]
    public void LiveLine_FitsTheWidth_WithTracking(int width)
    {
        string store = CliRunner.TempPath(".db");
        try
        {
            CliResult r = CliRunner.RunLive(width, "train", "--dataset", "curve", "--limit", "3000", "--epochs", "3", "--batch", "2", "--track", "--store", store, "--threads", "1");
            Assert.AreEqual(0, r.ExitCode, r.Output);
            string[] drawn = [.. Ansi().Replace(r.Err, "\n").Split('\n', '\r').Where(l => l.Length > 0)];
            Assert.IsNotEmpty(drawn.Where(l => l.StartsWith("epoch ", StringComparison.Ordinal)), "the live line was drawn:\n" + r.Err);
            foreach (string line in drawn)
            {
                Assert.IsLessThan(width, line.Length, $"'{line}' is {line.Length} wide at {width} columns");
            }

            string[] epochs = [.. r.Out.Split('\n').Where(l => Regex.IsMatch(l, "^epoch [0-9]/3: "))];
            Assert.HasCount(3, epochs, r.Out);
        }
        finally
        {
            CliRunner.DeleteStore(store);
        }
    }

    [TestMethod]
    public void Format_DropsSegmentsAsTheTerminalNarrows_AndNeverShowsMoreThanTheStepsDone()
    {
        var display = new ProgressDisplay(new CliConsole(TextWriter.Null, TextWriter.Null, false, 80, false), totalSteps: 1000, epochs: 2, classification: true,
            () => ["activity 0.512", "conv1 0.3", "conv2 0.4", "fc1 0.5", "fc2 0.6", "fc3 0.7"], TimeSpan.Zero);
        display.Record(250, 1, 0.5, 32, 64);
        string wide = display.Format(200), narrow = display.Format(60), tiny = display.Format(25);
        StringAssert.Contains(wide, "fc3 0.7");
        StringAssert.Contains(wide, "25%");
        StringAssert.Matches(wide, new Regex(@"  \[#{7}\.{23}\]$"), "a 30-wide bar at 25 %");
        Assert.IsLessThan(60, narrow.Length);
        Assert.DoesNotContain("fc3", narrow);
        StringAssert.StartsWith(narrow, "epoch 1/2  step 250/1000  25%");
        Assert.IsLessThan(25, tiny.Length);
        StringAssert.StartsWith(tiny, "epoch 1/2  step 250/1000"[..tiny.Length]);
    }

    [GeneratedRegex("\u001b\\[[0-9;]*[A-Za-z]")]
    private static partial Regex Ansi();
}
