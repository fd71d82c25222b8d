namespace MLGradientInsight.Cli.Tests;

[TestClass]
public sealed class AnalysisCommandsTest
{
    [TestMethod]
    public void Train_with_checkpoints_then_trajectory_interpolate_and_robustness_write_csv_and_store()
    {
        string directory = CliRunner.TempPath("");
        string store = CliRunner.TempPath(".db");
        string csv = CliRunner.TempPath(".csv");
        try
        {
            (int code, string output) = CliRunner.Run(
                "train", "--dataset", "blobs", "--limit", "600", "--epochs", "2", "--batch", "16", "--lr", "0.05", "--threads", "1",
                "--checkpoint-every", "5", "--checkpoint-dir", directory, "--track", "--store", store, "--name", "analysed");
            Assert.AreEqual(0, code, output);
            StringAssert.Contains(output, "kept ");
            string[] files = [.. Directory.GetFiles(directory, "step-*.safetensors").Order()];
            Assert.IsGreaterThan(10, files.Length, output);
            Assert.IsTrue(File.Exists(Path.Combine(directory, "gradient-rms.safetensors")));

            (code, output) = CliRunner.Run("trajectory", "analysed", "--store", store, "--weighted", "--pca", "--window", "4", "--csv", csv);
            Assert.AreEqual(0, code, output);
            string points = File.ReadAllText(csv);
            foreach (string variant in new[] { "random,", "weighted,", "pca,", "random-walk-pca," })
            {
                StringAssert.Contains(points, "\n" + variant);
            }

            StringAssert.Contains(output, "saved analysis a");
            string run = Transforms.Store.RunStore.Open(store).FindRun("analysed").Id;
            StringAssert.Contains(output, $"for run {run}");

            (code, output) = CliRunner.Run("interpolate", files[0], files[^1], "--per-layer", "--alpha", "-0.5:1.5:5", "--samples", "60", "--threads", "1", "--store", store, "--csv", csv);
            Assert.AreEqual(0, code, output);
            StringAssert.Contains(output, "cost 15 evaluations × 60 samples");
            string[] lines = File.ReadAllLines(csv);
            Assert.AreEqual("scope,target,layer,alpha,loss,accuracy", lines[0]);
            Assert.AreEqual(1 + (3 * 5), lines.Length, "3 layers × α ∈ {−0.5, 0, 0.5, 1, 1.5}");
            StringAssert.Contains(output, $"for run {run}", "the checkpoints' run metadata links the analysis to the run");

            (code, output) = CliRunner.Run("robustness", files[0], files[^1], "--samples", "60", "--threads", "1", "--store", store);
            Assert.AreEqual(0, code, output);
            StringAssert.Contains(output, "reinitialization");
            StringAssert.Contains(output, "rerandomization");
            StringAssert.Contains(output, "critical = damage ≥ 0.1");
            StringAssert.Contains(output, $"for run {run}");
            CollectionAssert.AreEqual(
                new[] { "trajectory", "linear_path", "robustness" },
                Analyses.Storage.AnalysisStore.OpenForReading(Transforms.Store.RunStore.Open(store)).ReadAnalyses(run).Select(a => a.Kind).ToList());
        }
        finally
        {
            if (Directory.Exists(directory))
            {
                Directory.Delete(directory, recursive: true);
            }

            foreach (string f in Directory.GetFiles(Path.GetTempPath(), Path.GetFileName(store) + "*").Append(csv))
            {
                File.Delete(f);
            }
        }
    }

    [TestMethod]
    public void A_saved_regression_model_is_rebuilt_from_its_metadata_with_the_same_limited_data()
    {
        string saved = CliRunner.TempPath(".safetensors");
        try
        {
            (int code, string output) = CliRunner.Run("train", "--dataset", "curve", "--limit", "400", "--epochs", "1", "--batch", "8", "--threads", "1", "--save", saved);
            Assert.AreEqual(0, code, output);
            (code, output) = CliRunner.Run("robustness", saved, saved, "--samples", "500", "--threads", "1", "--no-store");
            Assert.AreEqual(0, code, output);
            StringAssert.Contains(output, "model kraidiky");
            StringAssert.Contains(output, "evaluation 80 samples", "the held-out 20 % of --limit 400, as in training");
            StringAssert.Contains(output, "relative loss rise");
        }
        finally
        {
            File.Delete(saved);
        }
    }

    [TestMethod]
    public void Interpolate_names_a_missing_checkpoint_and_how_to_make_one()
    {
        (int code, string output) = CliRunner.Run("interpolate", "/nonexistent/a.safetensors", "/nonexistent/b.safetensors", "--no-store");
        Assert.AreEqual(2, code, output);
        StringAssert.Contains(output, "/nonexistent/a.safetensors");
        StringAssert.Contains(output, "--checkpoint-every");
    }

    [TestMethod]
    [DataRow("--alpha", "1:0:5", "-0.5:1.5:41")]
    [DataRow("--per-parameter", "0", "at least 1")]
    public void Interpolate_rejects_bad_options_with_the_fix(string option, string value, string expected)
    {
        (int code, string output) = CliRunner.Run("interpolate", "a.safetensors", "b.safetensors", option, value, "--no-store");
        Assert.AreEqual(1, code, output);
        StringAssert.Contains(output, expected);
    }

    [TestMethod]
    public void Trajectory_of_an_unknown_folder_says_how_to_keep_checkpoints()
    {
        (int code, string output) = CliRunner.Run("trajectory", "/nonexistent/run", "--store", "/nonexistent/runs.db");
        Assert.AreEqual(2, code, output);
        StringAssert.Contains(output, "--checkpoint-dir");
    }
}
