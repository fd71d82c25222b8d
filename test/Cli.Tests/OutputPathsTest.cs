namespace MLGradientInsight.Cli.Tests;

/// <summary>Class: output paths are checked (created or refused) before training starts; --save and --store alike.</summary>
[TestClass]
public sealed class OutputPathsTest
{
    [TestMethod]
    [DataRow("--save", "model.safetensors")]
    [DataRow("--store", "runs.db")]
    public void UnwritablePath_IsRefusedBeforeTraining(string option, string file)
    {
        string blocker = CliRunner.TempPath(".file");
        File.WriteAllText(blocker, "a file where a folder would have to be");
        try
        {
            string path = Path.Combine(blocker, "sub", file);
            string[] args = option == "--store" ? ["train", "--dataset", "curve", "--track", option, path] : ["train", "--dataset", "curve", option, path];
            CliResult r = CliRunner.Run(args);
            Assert.AreNotEqual(0, r.ExitCode, r.Output);
            StringAssert.Contains(r.Err, path.Split("/sub/")[0]);
            Assert.DoesNotContain("epoch 1", r.Out, "refused before any training");
            Assert.DoesNotContain("model ", r.Out, "refused before the model is even built");
        }
        finally
        {
            File.Delete(blocker);
        }
    }

    [TestMethod]
    public void MissingFolders_AreCreated_ForSaveAndStoreAlike()
    {
        string root = CliRunner.TempPath("");
        try
        {
            string save = Path.Combine(root, "a", "model.safetensors"), store = Path.Combine(root, "b", "runs.db");
            CliResult r = CliRunner.Run("train", "--dataset", "spirals", "--limit", "200", "--epochs", "1", "--save", save, "--track", "--store", store);
            Assert.AreEqual(0, r.ExitCode, r.Output);
            Assert.IsTrue(File.Exists(save));
            Assert.IsTrue(File.Exists(store));
            StringAssert.Contains(r.Out, $"weights: {save}");
            StringAssert.Contains(r.Out, $"mlgi runs --store {store}");
            StringAssert.Contains(r.Out, $"mlgi evaluate {save} --dataset spirals");
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    [TestMethod]
    public void SaveToAFolder_IsRefused()
    {
        CliResult r = CliRunner.Run("train", "--dataset", "curve", "--save", Path.GetTempPath());
        Assert.AreEqual(1, r.ExitCode, r.Output);
        StringAssert.Contains(r.Err, "is a folder");
    }
}
