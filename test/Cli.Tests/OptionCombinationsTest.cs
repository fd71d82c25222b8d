namespace MLGradientInsight.Cli.Tests;

/// <summary>Class: an option that would do nothing in the given combination is an error (exit 1) or a warning, never ignored.</summary>
[TestClass]
public sealed class OptionCombinationsTest
{
    [TestMethod]
    [DataRow("--name", "x")]
    [DataRow("--store", "some.db")]
    [DataRow("--activity-warmup", "5")]
    [DataRow("--activity-grouping", "unit")]
    [DataRow("--activity-detail", "unit")]
    [DataRow("--activity-layers", "fc1")]
    [DataRow("--activity-per-tensor", null)]
    public void TrackingOption_WithoutTrack_IsRefused(string option, string? value)
    {
        string[] args = value is null ? ["train", "--dataset", "curve", option] : ["train", "--dataset", "curve", option, value];
        CliResult r = CliRunner.Run(args);
        Assert.AreEqual(1, r.ExitCode, r.Output);
        StringAssert.Contains(r.Err, $"{option} has no effect without --track");
    }

    [TestMethod]
    [DataRow("--data-dir /tmp --dataset curve", "--data-dir has no effect with --dataset curve")]
    [DataRow("--dataset blobs --optimizer adam --momentum 0.9", "--momentum has no effect with --optimizer adam")]
    [DataRow("--dataset curve --activation tanh", "--activation has no effect with --model kraidiky")]
    [DataRow("--dataset curve --track --activity-detail unit --activity-grouping tensor", "--activity-detail unit needs --activity-grouping element or unit")]
    public void OptionWithoutEffect_IsRefused(string args, string message)
    {
        CliResult r = CliRunner.Run(["train", .. args.Split(' ')]);
        Assert.AreEqual(1, r.ExitCode, r.Output);
        StringAssert.Contains(r.Err, message);
    }

    [TestMethod]
    public void TrackedRunShorterThanWarmup_Warns()
    {
        string store = CliRunner.TempPath(".db");
        try
        {
            // 40 samples hold out 8: 32 / batch 8 = 4 steps < warm-up 10 + 2.
            CliResult r = CliRunner.Run("train", "--dataset", "curve", "--limit", "40", "--batch", "8", "--epochs", "1", "--track", "--store", store);
            Assert.AreEqual(0, r.ExitCode, r.Output);
            StringAssert.Contains(r.Err, "warning: this run has 4 steps, but with --activity-warmup 10 the first activity is computed at step 12");
        }
        finally
        {
            CliRunner.DeleteStore(store);
        }
    }
}
