using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using MLGradientInsight.Trainers;
using MLGradientInsight.Trainers.Checkpoints;
using MLGradientInsight.Trainers.Models;
using Tensor = MLGradientInsight.Trainers.Tensor;

namespace MLGradientInsight.Cli.Tests;

[TestClass]
public sealed class ExportOnnxCommandTest
{
    [TestMethod]
    public void A_trained_and_saved_mlp_exports_to_ONNX_that_gives_the_engine_s_outputs()
    {
        string checkpoint = CliRunner.TempPath(".safetensors");
        string onnx = CliRunner.TempPath(".onnx");
        try
        {
            (int trained, string trainOutput) = CliRunner.Run("train", "--dataset", "spirals", "--model", "mlp:2,8,2", "--activation", "tanh", "--limit", "100", "--epochs", "1", "--threads", "1", "--save", checkpoint);
            Assert.AreEqual(0, trained, trainOutput);
            (int code, string output) = CliRunner.Run("export-onnx", checkpoint, "--onnx", onnx);
            Assert.AreEqual(0, code, output);
            StringAssert.Contains(output, "mlp:2,8,2");

            Sequential model = ModelZoo.Mlp([2, 8, 2], Activation.Tanh, seed: 0);
            Checkpoint.Load(model, checkpoint);
            model.SetTraining(false);
            float[] batch = [0.1f, -0.4f, 0.7f, 0.2f, -0.9f, 0.5f];
            float[] expected = model.Forward(new Tensor((float[])batch.Clone(), 3, 2)).Span.ToArray();
            using var session = new InferenceSession(onnx);
            using var results = session.Run([NamedOnnxValue.CreateFromTensor("input", new DenseTensor<float>(batch, [3, 2]))]);
            float[] actual = [.. results.First().AsEnumerable<float>()];
            Assert.HasCount(expected.Length, actual);
            for (int i = 0; i < expected.Length; i++)
            {
                Assert.AreEqual(expected[i], actual[i], 1e-5f);
            }
        }
        finally
        {
            File.Delete(checkpoint);
            File.Delete(onnx);
        }
    }

    [TestMethod]
    public void A_missing_checkpoint_and_a_bad_shape_are_reported_in_the_user_s_words()
    {
        (int missing, string output) = CliRunner.Run("export-onnx", "nope.safetensors", "--onnx", "x.onnx");
        Assert.AreEqual(2, missing);
        StringAssert.Contains(output, "'nope.safetensors' does not exist");

        string checkpoint = CliRunner.TempPath(".safetensors");
        try
        {
            Assert.AreEqual(0, CliRunner.Run("train", "--dataset", "spirals", "--model", "mlp:2,4,2", "--limit", "50", "--epochs", "1", "--threads", "1", "--save", checkpoint).ExitCode);
            (int bad, string badOutput) = CliRunner.Run("export-onnx", checkpoint, "--onnx", CliRunner.TempPath(".onnx"), "--input-shape", "2,x");
            Assert.AreEqual(1, bad);
            StringAssert.Contains(badOutput, "--input-shape '2,x': dimension 2 ('x')");
        }
        finally
        {
            File.Delete(checkpoint);
        }
    }
}
