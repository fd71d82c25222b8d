using System.Text.Json;
using MLGradientInsight.Trainers.Layers;
using MLGradientInsight.Trainers.Losses;
using MLGradientInsight.Trainers.Optimizers;

namespace MLGradientInsight.Trainers.Tests.Layers;

/// <summary>
/// Parity with PyTorch 1.13 on the fixtures of tools/make_layer_fixtures.py: forward output, input and parameter
/// gradients for a given upstream gradient, running statistics, and parameters after 1 and 10 plain SGD steps.
/// </summary>
[TestClass]
public sealed class LayerFixtureParityTest
{
    [TestMethod]
    [DataRow("linear")]
    [DataRow("linear_nobias")]
    [DataRow("conv2d")]
    [DataRow("conv2d_stride2_pad1")]
    [DataRow("conv2d_rect_nobias")]
    [DataRow("conv2d_pad2")]
    [DataRow("maxpool2d")]
    [DataRow("maxpool2d_k3_s2_p1")]
    [DataRow("maxpool2d_odd")]
    [DataRow("maxpool2d_ties")]
    [DataRow("maxpool2d_ties_overlap")]
    [DataRow("avgpool2d")]
    [DataRow("avgpool2d_k3_s2_p1")]
    [DataRow("avgpool2d_k3_s1")]
    [DataRow("flatten")]
    [DataRow("relu")]
    [DataRow("leaky_relu")]
    [DataRow("leaky_relu_default")]
    [DataRow("tanh")]
    [DataRow("sigmoid")]
    [DataRow("log_softmax")]
    [DataRow("batchnorm1d")]
    [DataRow("batchnorm1d_eval")]
    [DataRow("batchnorm1d_3d")]
    [DataRow("batchnorm1d_3d_eval")]
    [DataRow("batchnorm2d")]
    [DataRow("batchnorm2d_eval")]
    public void ForwardAndBackward_MatchPyTorch(string name)
    {
        JsonElement fixture = FixtureFile.Load(name);
        Module layer = Create(fixture);
        Tensor input = fixture.Tensor("input");

        Tensor output = layer.Forward(input);
        TensorAssert.AreClose(fixture.Tensor("output"), output, $"{name} output");
        CollectionAssert.AreEqual(fixture.Tensor("output").Shape.ToArray(), layer.OutputShape(input.Shape), $"{name} OutputShape");

        Tensor inputGradient = layer.Backward(fixture.Tensor("grad_output")) ?? throw new AssertFailedException("no input gradient");
        TensorAssert.AreClose(fixture.Tensor("grad_input"), inputGradient, $"{name} grad_input");
        foreach (Parameter p in layer.Parameters)
        {
            TensorAssert.AreClose(fixture.GetProperty("grad_params").Tensor(p.LocalName), p.Gradient, $"{name} grad {p.LocalName}");
        }

        if (fixture.Has("buffers_after"))
        {
            var bn = (BatchNorm)layer;
            JsonElement buffers = fixture.GetProperty("buffers_after");
            TensorAssert.AreClose(buffers.Tensor("running_mean"), bn.RunningMean, $"{name} running_mean");
            TensorAssert.AreClose(buffers.Tensor("running_var"), bn.RunningVariance, $"{name} running_var");
        }
    }

    [TestMethod]
    [DataRow("linear")]
    [DataRow("linear_nobias")]
    [DataRow("conv2d")]
    [DataRow("conv2d_stride2_pad1")]
    [DataRow("conv2d_rect_nobias")]
    [DataRow("conv2d_pad2")]
    [DataRow("batchnorm1d")]
    [DataRow("batchnorm1d_3d")]
    [DataRow("batchnorm2d")]
    public void SgdSteps_MatchPyTorch(string name)
    {
        JsonElement fixture = FixtureFile.Load(name);
        JsonElement sgd = fixture.GetProperty("sgd");
        Module layer = Create(fixture);
        Tensor input = fixture.Tensor("input");
        Tensor target = sgd.Tensor("target");
        Loss loss = CreateLoss(sgd.GetProperty("loss").GetString()!);
        var optimizer = new Sgd(layer.Parameters, (float)sgd.GetProperty("learning_rate").GetDouble());
        float[] expectedLosses = [.. sgd.GetProperty("losses").EnumerateArray().Select(v => (float)v.GetDouble())];

        for (int step = 1; step <= 10; step++)
        {
            layer.ZeroGrad();
            float value = loss.Forward(layer.Forward(input), target);
            layer.Backward(loss.Backward());
            optimizer.Step();
            Assert.AreEqual(expectedLosses[step - 1], value, (1e-5 * Math.Abs(expectedLosses[step - 1])) + 1e-6, $"{name} loss at step {step}");
            if (step is 1 or 10)
            {
                JsonElement expected = sgd.GetProperty($"after_{step}");
                foreach (Parameter p in layer.Parameters)
                {
                    TensorAssert.AreClose(expected.Tensor(p.LocalName), p.Value, $"{name} {p.LocalName} after {step} steps");
                }

                if (sgd.TryGetProperty($"buffers_after_{step}", out JsonElement buffers))
                {
                    var bn = (BatchNorm)layer;
                    TensorAssert.AreClose(buffers.Tensor("running_mean"), bn.RunningMean, $"{name} running_mean after {step} steps");
                    TensorAssert.AreClose(buffers.Tensor("running_var"), bn.RunningVariance, $"{name} running_var after {step} steps");
                }
            }
        }
    }

    [TestMethod]
    public void TinyLeNet_TenSgdStepsWithLogSoftmaxAndNll_MatchPyTorch()
    {
        JsonElement fixture = FixtureFile.Load("lenet_tiny_sgd");
        JsonElement sgd = fixture.GetProperty("sgd");
        var rng = new Random(0);
        var model = new Sequential(
            "lenet_tiny",
            new Conv2d("0", 1, 3, 3, rng),
            new ReLU("1"),
            new MaxPool2d("2", 2),
            new Conv2d("3", 3, 4, 3, rng),
            new ReLU("4"),
            new MaxPool2d("5", 2),
            new Flatten("6"),
            new Linear("7", 4, 6, rng),
            new ReLU("8"),
            new Linear("9", 6, 3, rng),
            new LogSoftmax("10"));
        FixtureFile.LoadParameters(fixture.GetProperty("params"), model.Parameters, byFullName: true);
        Tensor input = fixture.Tensor("input");
        Tensor target = sgd.Tensor("target");
        var loss = new NllLoss();
        var optimizer = new Sgd(model.Parameters, (float)sgd.GetProperty("learning_rate").GetDouble());
        float[] expectedLosses = [.. sgd.GetProperty("losses").EnumerateArray().Select(v => (float)v.GetDouble())];
        for (int step = 1; step <= 10; step++)
        {
            model.ZeroGrad();
            float value = loss.Forward(model.Forward(input), target);
            model.Backward(loss.Backward());
            optimizer.Step();
            Assert.AreEqual(expectedLosses[step - 1], value, (1e-5 * Math.Abs(expectedLosses[step - 1])) + 1e-6, $"loss at step {step}");
            if (step is 1 or 10)
            {
                JsonElement expected = sgd.GetProperty($"after_{step}");
                foreach (Parameter p in model.Parameters)
                {
                    TensorAssert.AreClose(expected.Tensor(p.Name), p.Value, $"{p.Name} after {step} steps");
                }
            }
        }
    }

    internal static Module Create(JsonElement fixture)
    {
        string kind = fixture.GetProperty("layer").GetString()!;
        JsonElement c = fixture.GetProperty("config");
        var rng = new Random(0);
        Module layer = kind switch
        {
            "Linear" => new Linear("layer", c.GetProperty("in").GetInt32(), c.GetProperty("out").GetInt32(), rng, c.GetProperty("bias").GetBoolean()),
            "Conv2d" => new Conv2d(
                "layer", c.GetProperty("in").GetInt32(), c.GetProperty("out").GetInt32(), Pair(c, "kernel"), rng,
                Pair(c, "stride"), Pair(c, "padding"), c.GetProperty("bias").GetBoolean()),
            "MaxPool2d" => new MaxPool2d("layer", c.GetProperty("kernel").GetInt32(), c.GetProperty("stride").GetInt32(), c.GetProperty("padding").GetInt32()),
            "AvgPool2d" => new AvgPool2d("layer", c.GetProperty("kernel").GetInt32(), c.GetProperty("stride").GetInt32(), c.GetProperty("padding").GetInt32()),
            "Flatten" => new Flatten("layer"),
            "ReLU" => new ReLU("layer"),
            "LeakyReLU" => new LeakyReLU("layer", (float)c.GetProperty("negative_slope").GetDouble()),
            "Tanh" => new Tanh("layer"),
            "Sigmoid" => new Sigmoid("layer"),
            "LogSoftmax" => new LogSoftmax("layer"),
            "BatchNorm1d" => new BatchNorm1d("layer", c.GetProperty("features").GetInt32(), (float)c.GetProperty("eps").GetDouble(), (float)c.GetProperty("momentum").GetDouble()),
            "BatchNorm2d" => new BatchNorm2d("layer", c.GetProperty("features").GetInt32(), (float)c.GetProperty("eps").GetDouble(), (float)c.GetProperty("momentum").GetDouble()),
            _ => throw new AssertFailedException($"Unknown layer kind {kind} in fixture."),
        };
        FixtureFile.LoadParameters(fixture.GetProperty("params"), layer.Parameters);
        if (layer is BatchNorm bn)
        {
            JsonElement buffers = fixture.GetProperty("buffers_before");
            buffers.Tensor("running_mean").Span.CopyTo(bn.RunningMean.Span);
            buffers.Tensor("running_var").Span.CopyTo(bn.RunningVariance.Span);
        }

        layer.SetTraining(fixture.GetProperty("training").GetBoolean());
        return layer;
    }

    internal static Loss CreateLoss(string kind) => kind switch
    {
        "mse" => new MseLoss(),
        "cross_entropy" => new SoftmaxCrossEntropyLoss(),
        "nll" => new NllLoss(),
        _ => throw new AssertFailedException($"Unknown loss kind {kind} in fixture."),
    };

    private static (int, int) Pair(JsonElement config, string property)
    {
        int[] v = [.. config.GetProperty(property).EnumerateArray().Select(e => e.GetInt32())];
        return (v[0], v[1]);
    }
}
