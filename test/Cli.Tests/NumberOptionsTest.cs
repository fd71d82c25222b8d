using System.CommandLine;

namespace MLGradientInsight.Cli.Tests;

/// <summary>Class: every numeric option of every command reads numbers the same way and rejects bad ones with exit code 1.</summary>
[TestClass]
public sealed class NumberOptionsTest
{
    /// <summary>Every numeric option in the command tree (found by type, so a new one is covered without editing this test).</summary>
    public static IEnumerable<object[]> NumericOptions()
    {
        RootCommand root = MlgiApp.BuildRoot(new CliConsole(TextWriter.Null, TextWriter.Null, false, 80, false));
        return Walk(root.Subcommands, "");
    }

    private static IEnumerable<object[]> Walk(IEnumerable<Command> commands, string prefix)
    {
        foreach (Command command in commands)
        {
            string path = prefix + command.Name;
            foreach (Option option in command.Options)
            {
                Type declared = option.GetType().GetGenericArguments().FirstOrDefault() ?? typeof(object);
                Type value = Nullable.GetUnderlyingType(declared) ?? declared;
                if (value == typeof(int) || value == typeof(float) || value == typeof(double) || value == typeof(long))
                {
                    yield return [path, option.Name];
                }
            }

            foreach (object[] row in Walk(command.Subcommands, path + " "))
            {
                yield return row;
            }
        }
    }

    [TestMethod]
    public void TheTreeHasTheNumericOptionsTheReadmeDocuments()
    {
        string[] names = [.. NumericOptions().Where(o => (string)o[0] == "train").Select(o => (string)o[1])];
        CollectionAssert.IsSubsetOf(
            new[] { "--lr", "--momentum", "--weight-decay", "--slow-learning", "--epochs", "--batch", "--seed", "--limit", "--threads", "--activity-smoothing", "--activity-warmup", "--activity-absolute-threshold", "--activity-relative-threshold", "--activity-root" },
            names);
    }

    [TestMethod]
    [DynamicData(nameof(NumericOptions))]
    public void EveryNumericOption_RejectsNonNumbersCommasAndNaN_WithExitCode1(string command, string option)
    {
        foreach (string bad in new[] { "abc", "1e-3x", "0,5", "1,000", "NaN", "Infinity", "" })
        {
            CliResult r = CliRunner.Run([.. command.Split(' '), option, bad]);
            Assert.AreEqual(1, r.ExitCode, $"{command} {option} '{bad}'\n{r.Output}");
            Assert.AreEqual("", r.Out, "errors go to stderr only");
            StringAssert.Contains(r.Err, $"error: {option}", r.Err);
            if (bad.Length > 0)
            {
                StringAssert.Contains(r.Err, $"'{bad}'", r.Err);
                StringAssert.Contains(r.Err, $"{option} takes a", "the message says the valid range in words\n" + r.Err);
            }

            Assert.DoesNotContain("Exception", r.Err);
            Assert.DoesNotContain("System.", r.Err);
            Assert.DoesNotContain("Usage:", r.Err, "no help screen after an error");
        }
    }

    [TestMethod]
    [DataRow("--lr", "0,05", "did you mean --lr 0.05?")]
    [DataRow("--momentum", "0,9", "did you mean --momentum 0.9?")]
    [DataRow("--limit", "1,000", "did you mean --limit 1000?")]
    public void DecimalComma_IsAnErrorThatSuggestsTheDot(string option, string value, string suggestion)
    {
        CliResult r = CliRunner.Run("train", "--dataset", "curve", option, value);
        Assert.AreEqual(1, r.ExitCode, r.Output);
        StringAssert.Contains(r.Err, suggestion);
        Assert.DoesNotContain("epoch", r.Out, "nothing trains");
    }

    [TestMethod]
    [DataRow("--momentum", "1.5", "--momentum 1.5 is out of range; --momentum takes a number from 0 up to, but not including, 1.")]
    [DataRow("--momentum", "-1", "--momentum -1 is out of range; --momentum takes a number from 0 up to, but not including, 1.")]
    [DataRow("--lr", "0", "--lr 0 is out of range; --lr takes a number greater than 0.")]
    [DataRow("--epochs", "2.5", "--epochs 2.5 is not a whole number; --epochs takes a whole number of at least 1.")]
    [DataRow("--epochs", "0", "--epochs 0 is out of range; --epochs takes a whole number of at least 1.")]
    [DataRow("--batch", "99999999999", "--batch 99999999999 is too large")]
    [DataRow("--threads", "0", "--threads takes a whole number from 1 to 1024")]
    [DataRow("--lr", "1e39", "--lr 1e39 is too large")]
    [DataRow("--activity-smoothing", "1.5", "--activity-smoothing takes a number from 0 to 1")]
    [DataRow("--activity-root", "0.5", "--activity-root takes a number of at least 1")]
    public void OutOfRange_NamesOptionValueAndRange(string option, string value, string message)
    {
        CliResult r = CliRunner.Run("train", "--dataset", "curve", option, value);
        Assert.AreEqual(1, r.ExitCode, r.Output);
        StringAssert.Contains(r.Err, message);
    }

    [TestMethod]
    public void LimitTooSmallForAHeldOutSplit_SaysWhy()
    {
        CliResult r = CliRunner.Run("train", "--dataset", "blobs", "--limit", "1");
        Assert.AreEqual(1, r.ExitCode, r.Output);
        StringAssert.Contains(r.Err, "--limit must be at least 2");
        Assert.DoesNotContain("cannot be greater", r.Err);
    }

    [TestMethod]
    public void ValidNumbers_AreReadInvariantly()
    {
        CliResult r = CliRunner.Run("train", "--dataset", "curve", "--limit", "50", "--epochs", "1", "--lr", "5e-2", "--momentum", "0.5", "--weight-decay", "0.0001");
        Assert.AreEqual(0, r.ExitCode, r.Output);
        StringAssert.Contains(r.Out, "optimizer sgd lr 0.05 momentum 0.5 weight decay 0.0001");
    }
}
