namespace MLGradientInsight.Cli.Tests;

[TestClass]
public sealed class GradientSpaceCommandsTest
{
    [TestMethod]
    public void Importance_and_gradnet_run_on_a_saved_checkpoint()
    {
        string checkpoint = CliRunner.TempPath(".safetensors"), csv = CliRunner.TempPath(".csv");
        try
        {
            (int code, string output) = CliRunner.Run("train", "--dataset", "blobs", "--limit", "600", "--epochs", "2", "--threads", "1", "--save", checkpoint);
            Assert.AreEqual(0, code, output);

            // blobs: --limit 300 makes 300 samples, of which 80 % (240) are the training split.
            (code, output) = CliRunner.Run("importance", checkpoint, "--dataset", "blobs", "--limit", "300", "--criterion", "fisher", "--top", "2", "--csv", csv);
            Assert.AreEqual(0, code, output);
            StringAssert.Contains(output, "top 2 edges per layer by Fisher, over 240 samples");
            string[] lines = File.ReadAllLines(csv);
            Assert.AreEqual("parameter,index,output_unit,input_index,weight,mean_abs_gradient,rms_gradient,connection_sensitivity,fisher", lines[0]);
            Assert.HasCount(1 + ((2 * 64) + 64 + (64 * 64) + 64 + (64 * 3) + 3), lines, "one row per parameter element of mlp:2,64,64,3");

            (code, output) = CliRunner.Run("gradnet", checkpoint, "--dataset", "blobs", "--limit", "200", "--test-limit", "100", "--epochs", "2", "--percentile", "90");
            Assert.AreEqual(0, code, output);
            StringAssert.Contains(output, "test accuracy");
            StringAssert.Contains(output, "gradient features per class in 3 blocks");
        }
        finally
        {
            File.Delete(checkpoint);
            File.Delete(csv);
        }
    }

    [TestMethod]
    public void Importance_refuses_an_unknown_image_format_and_a_missing_checkpoint_in_the_users_words()
    {
        (int code, string output) = CliRunner.Run("importance", "model.safetensors", "--image", "map.bmp");
        Assert.AreEqual(1, code, output);
        StringAssert.Contains(output, "--image map.bmp: SVG and PNG are written");

        (code, output) = CliRunner.Run("importance", CliRunner.TempPath(".safetensors"), "--dataset", "blobs");
        Assert.AreEqual(2, code, output);
        StringAssert.Contains(output, "does not exist");
    }

    [TestMethod]
    public void Importance_writes_a_png_map_of_fashion_mnist()
    {
        if (!File.Exists("/usr/share/datasets/fashion-mnist/train-images-idx3-ubyte") && !File.Exists("/usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz"))
        {
            Assert.Inconclusive("Fashion-MNIST is not installed (sudo apt-get install dataset-fashion-mnist).");
        }

        string checkpoint = CliRunner.TempPath(".safetensors"), png = CliRunner.TempPath(".png"), store = CliRunner.TempPath(".db");
        try
        {
            (int code, string output) = CliRunner.Run("train", "--dataset", "fashion-mnist", "--model", "mlp:784,16,10", "--limit", "200", "--epochs", "1", "--threads", "1", "--save", checkpoint, "--track", "--store", store, "--name", "fm");
            Assert.AreEqual(0, code, output);
            (code, output) = CliRunner.Run("importance", checkpoint, "--dataset", "fashion-mnist", "--limit", "50", "--top", "1", "--image", png, "--store", store);
            Assert.AreEqual(0, code, output);
            StringAssert.Contains(output, "wrote");

            // Saved for the run the checkpoint names, so its report draws the map.
            var runs = Transforms.Store.RunStore.Open(store);
            string run = runs.FindRun("fm").Id;
            StringAssert.Contains(output, $"table importance_maps) for run {run}");
            Analyses.Storage.ImportanceMapRecord map = Analyses.Storage.AnalysisStore.OpenForReading(runs).ReadImportanceMaps(run).Single();
            Assert.AreEqual(28, map.Map.GetLength(0));
            Assert.AreEqual(28, map.Map.GetLength(1));
            Assert.AreEqual("ConnectionSensitivity", map.Criterion);
            Assert.AreEqual(50, map.Samples);
            byte[] bytes = File.ReadAllBytes(png);
            CollectionAssert.AreEqual(new byte[] { 137, 80, 78, 71, 13, 10, 26, 10 }, bytes[..8], "PNG signature");
            Assert.AreEqual(280, System.Buffers.Binary.BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(16)), "width: 28 cells of 10 px");
            Assert.AreEqual(280, System.Buffers.Binary.BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(20)), "height: 28 cells of 10 px");
        }
        finally
        {
            File.Delete(checkpoint);
            File.Delete(png);
            CliRunner.DeleteStore(store);
        }
    }

    [TestMethod]
    public void An_image_map_of_non_image_data_is_refused()
    {
        string checkpoint = CliRunner.TempPath(".safetensors");
        try
        {
            (int code, string output) = CliRunner.Run("train", "--dataset", "blobs", "--limit", "200", "--epochs", "1", "--threads", "1", "--save", checkpoint);
            Assert.AreEqual(0, code, output);
            (code, output) = CliRunner.Run("importance", checkpoint, "--dataset", "blobs", "--limit", "50", "--image", CliRunner.TempPath(".svg"));
            Assert.AreEqual(1, code, output);
            StringAssert.Contains(output, "--image needs image data");
        }
        finally
        {
            File.Delete(checkpoint);
        }
    }
}
