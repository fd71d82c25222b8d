using System.Numerics.Tensors;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using MLGradientInsight.Trainers.Layers;
using MLGradientInsight.Trainers.Models;
using MLGradientInsight.Trainers.Onnx;
using Tensor = MLGradientInsight.Trainers.Tensor;

namespace MLGradientInsight.Trainers.Tests.Onnx;

[TestClass]
public sealed class OnnxExporterTest
{
    /// <summary>Runs the exported bytes through ONNX Runtime on a batch.</summary>
    internal static float[] RunOnnx(byte[] model, float[] batch, int count)
    {
        using var session = new InferenceSession(model);
        var input = new DenseTensor<float>(batch, [count, batch.Length / count]);
        using IDisposableReadOnlyCollection<DisposableNamedOnnxValue> results = session.Run([NamedOnnxValue.CreateFromTensor("input", input)]);
        return [.. results.First().AsEnumerable<float>()];
    }

    private static void AssertSameAsEngine(Sequential model, int[] sampleShape, bool softmax, int count = 5, int seed = 1)
    {
        var rng = new Random(seed);
        int flat = sampleShape.Aggregate(1, (a, b) => a * b);
        float[] batch = [.. Enumerable.Range(0, count * flat).Select(_ => (float)(rng.NextDouble() * 2 - 1))];
        model.SetTraining(false);
        Tensor output = model.Forward(new Tensor((float[])batch.Clone(), [count, .. sampleShape]));
        float[] expected = output.Span.ToArray();
        int outputs = expected.Length / count;
        if (softmax)
        {
            for (int i = 0; i < count; i++)
            {
                TensorPrimitives.SoftMax(expected.AsSpan(i * outputs, outputs), expected.AsSpan(i * outputs, outputs));
            }
        }

        float[] actual = RunOnnx(OnnxExporter.Export(model, sampleShape, softmax), batch, count);
        Assert.HasCount(expected.Length, actual);
        for (int i = 0; i < expected.Length; i++)
        {
            Assert.AreEqual(expected[i], actual[i], 1e-5f, $"output {i}");
        }
    }

    [TestMethod]
    public void LeNet5_runs_in_ONNX_Runtime_with_the_engine_s_probabilities()
    {
        Sequential lenet = ModelZoo.LeNet5(seed: 3);
        AssertSameAsEngine(lenet, [1, 32, 32], softmax: true);
    }

    [TestMethod]
    [DataRow(Activation.ReLU)]
    [DataRow(Activation.Tanh)]
    [DataRow(Activation.Sigmoid)]
    [DataRow(Activation.LeakyReLU)]
    public void An_mlp_runs_in_ONNX_Runtime_with_the_engine_s_outputs(Activation activation)
    {
        AssertSameAsEngine(ModelZoo.Mlp([7, 9, 5, 3], activation, seed: 2), [7], softmax: false);
    }

    [TestMethod]
    public void Convolutions_pooling_batch_norm_dropout_and_log_softmax_export_in_evaluation_mode()
    {
        var rng = new Random(5);
        var model = new Sequential("mixed",
            new Conv2d("conv1", 2, 4, 3, rng, stride: 1, padding: 1),
            new BatchNorm2d("bn1", 4),
            new LeakyReLU("act1", 0.2f),
            new AvgPool2d("pool1", 3, stride: 2, padding: 1),
            new Conv2d("conv2", 4, 3, 2, rng, stride: 2, bias: false, fuseReLU: true),
            new MaxPool2d("pool2", 2, stride: 1, padding: 1),
            new Flatten("flatten"),
            new Dropout("drop", 0.5f, rng),
            new Linear("fc1", 27, 6, rng, fuseReLU: true),
            new BatchNorm1d("bn2", 6),
            new Linear("fc2", 6, 4, rng, bias: false),
            new LogSoftmax("log_softmax"));

        // Non-trivial running statistics and affine parameters, as after training.
        foreach (BatchNorm norm in model.Layers.OfType<BatchNorm>())
        {
            for (int i = 0; i < norm.Features; i++)
            {
                norm.RunningMean.Span[i] = (float)(rng.NextDouble() - 0.5);
                norm.RunningVariance.Span[i] = 0.5f + (float)rng.NextDouble();
                norm.Weight.Value.Span[i] = 0.5f + (float)rng.NextDouble();
                norm.Bias.Value.Span[i] = (float)(rng.NextDouble() - 0.5);
            }
        }

        AssertSameAsEngine(model, [2, 9, 9], softmax: false, count: 4);
    }

    [TestMethod]
    public void A_layer_without_an_ONNX_form_is_named_in_the_error()
    {
        var model = new Sequential("odd", new Linear("fc1", 2, 2, new Random(1)), new Odd("mystery"));
        NotSupportedException e = Assert.ThrowsExactly<NotSupportedException>(() => OnnxExporter.Export(model, [2], appendSoftmax: false));
        StringAssert.Contains(e.Message, "'mystery' (Odd)");
    }

    private sealed class Odd(string name) : Module(name)
    {
        public override Tensor Forward(Tensor input) => input;

        public override Tensor? Backward(Tensor outputGradient) => outputGradient;

        public override int[] OutputShape(ReadOnlySpan<int> inputShape) => inputShape.ToArray();
    }
}
