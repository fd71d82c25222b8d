using MLGradientInsight.Trainers.Layers;

namespace MLGradientInsight.Trainers.Tests.Layers;

/// <summary>Every layer's input and parameter gradients against central finite differences.</summary>
[TestClass]
public sealed class LayerGradientCheckTest
{
    [TestMethod]
    [DataRow(true)]
    [DataRow(false)]
    public void Linear_GradientsMatchFiniteDifferences(bool bias) =>
        GradientCheck.Module(new Linear("fc", 5, 4, new Random(1), bias), GradientCheck.RandomTensor(2, 1.0, 3, 5), 3);

    [TestMethod]
    [DataRow(2, 3, 3, 3, 1, 1, 0, 0, true, 6, 6)]
    [DataRow(2, 3, 3, 3, 2, 2, 1, 1, true, 7, 6)]
    [DataRow(3, 2, 2, 3, 2, 1, 1, 0, false, 5, 6)]
    [DataRow(1, 2, 3, 3, 1, 1, 2, 2, true, 3, 4)]
    [DataRow(2, 4, 1, 1, 1, 1, 0, 0, true, 3, 3)]
    [DataRow(2, 2, 3, 2, 3, 2, 0, 1, true, 8, 5)]
    public void Conv2d_GradientsMatchFiniteDifferences(int cin, int cout, int kh, int kw, int sh, int sw, int ph, int pw, bool bias, int h, int w)
    {
        var conv = new Conv2d("conv", cin, cout, (kh, kw), new Random(4), (sh, sw), (ph, pw), bias);
        GradientCheck.Module(conv, GradientCheck.RandomTensor(5, 1.0, 2, cin, h, w), 6);
    }

    [TestMethod]
    [DataRow(2, 2, 0, 6, 6)]
    [DataRow(3, 2, 1, 7, 6)]
    [DataRow(2, 1, 0, 4, 5)]
    [DataRow(3, 3, 0, 7, 8)]
    public void MaxPool2d_InputGradientMatchesFiniteDifferences(int kernel, int stride, int padding, int h, int w) =>
        GradientCheck.Module(new MaxPool2d("pool", kernel, stride, padding), GradientCheck.DistinctValues(7, 0.05, 2, 2, h, w), 8);

    [TestMethod]
    [DataRow(2, 2, 0, 6, 6)]
    [DataRow(3, 2, 1, 7, 6)]
    [DataRow(3, 1, 0, 5, 5)]
    [DataRow(2, 3, 1, 7, 8)]
    public void AvgPool2d_InputGradientMatchesFiniteDifferences(int kernel, int stride, int padding, int h, int w) =>
        GradientCheck.Module(new AvgPool2d("pool", kernel, stride, padding), GradientCheck.RandomTensor(9, 1.0, 2, 2, h, w), 10);

    [TestMethod]
    public void Flatten_InputGradientMatchesFiniteDifferences() =>
        GradientCheck.Module(new Flatten("flat"), GradientCheck.RandomTensor(11, 1.0, 2, 3, 2, 2), 12);

    [TestMethod]
    public void ReLU_InputGradientMatchesFiniteDifferences() =>
        GradientCheck.Module(new ReLU("act"), GradientCheck.AwayFromZero(13, 0.05, 4, 6), 14);

    [TestMethod]
    [DataRow(0.01f)]
    [DataRow(0.2f)]
    [DataRow(-0.5f)]
    public void LeakyReLU_InputGradientMatchesFiniteDifferences(float slope) =>
        GradientCheck.Module(new LeakyReLU("act", slope), GradientCheck.AwayFromZero(15, 0.05, 4, 6), 16);

    [TestMethod]
    public void Tanh_InputGradientMatchesFiniteDifferences() =>
        GradientCheck.Module(new Tanh("act"), GradientCheck.RandomTensor(17, 1.5, 4, 6), 18);

    [TestMethod]
    public void Sigmoid_InputGradientMatchesFiniteDifferences() =>
        GradientCheck.Module(new Sigmoid("act"), GradientCheck.RandomTensor(19, 2.0, 4, 6), 20);

    [TestMethod]
    public void LogSoftmax_InputGradientMatchesFiniteDifferences() =>
        GradientCheck.Module(new LogSoftmax("lsm"), GradientCheck.RandomTensor(21, 2.0, 4, 6), 22);

    [TestMethod]
    [DataRow(true)]
    [DataRow(false)]
    public void Dropout_InputGradientMatchesFiniteDifferences(bool training)
    {
        var random = new ReplayRandom(23);
        var dropout = new Dropout("drop", 0.4f, random);
        dropout.SetTraining(training);
        GradientCheck.Module(dropout, GradientCheck.RandomTensor(24, 1.0, 5, 8), 25, beforeForward: random.Rewind);
    }

    [TestMethod]
    [DataRow(true, 2)]
    [DataRow(true, 3)]
    [DataRow(false, 2)]
    [DataRow(false, 3)]
    public void BatchNorm1d_GradientsMatchFiniteDifferences(bool training, int rank)
    {
        var bn = new BatchNorm1d("bn", 3);
        RandomizeAffine(bn, 26);
        bn.SetTraining(training);
        Tensor x = rank == 2 ? GradientCheck.RandomTensor(27, 1.5, 6, 3) : GradientCheck.RandomTensor(27, 1.5, 3, 3, 4);
        GradientCheck.Module(bn, x, 28, eps: 1e-2);
    }

    [TestMethod]
    [DataRow(true)]
    [DataRow(false)]
    public void BatchNorm2d_GradientsMatchFiniteDifferences(bool training)
    {
        var bn = new BatchNorm2d("bn", 2);
        RandomizeAffine(bn, 29);
        bn.SetTraining(training);
        GradientCheck.Module(bn, GradientCheck.RandomTensor(30, 1.5, 2, 2, 3, 3), 31);
    }

    [TestMethod]
    public void LeNetShapedSequential_GradientsMatchFiniteDifferences()
    {
        var rng = new Random(32);
        var model = new Sequential(
            "net",
            new Conv2d("conv1", 1, 2, 3, rng),
            new Tanh("act1"),
            new AvgPool2d("pool1", 2),
            new Conv2d("conv2", 2, 3, 2, rng, padding: 1),
            new Sigmoid("act2"),
            new Flatten("flat"),
            new Linear("fc", 27, 3, rng),
            new LogSoftmax("lsm"));
        model.Layers[0].NeedsInputGradient = true;
        GradientCheck.Module(model, GradientCheck.RandomTensor(33, 1.0, 2, 1, 6, 6), 34);
    }

    private static void RandomizeAffine(BatchNorm bn, int seed)
    {
        var rng = new Random(seed);
        Init.Uniform(bn.Weight.Weights, 0.5, rng);
        TensorPrimitivesAdd(bn.Weight.Weights, 1f);
        Init.Uniform(bn.Bias.Weights, 0.5, rng);
        Init.Uniform(bn.RunningMean.Span, 0.5, rng);
        Init.Uniform(bn.RunningVariance.Span, 0.3, rng);
        TensorPrimitivesAdd(bn.RunningVariance.Span, 1f);
    }

    private static void TensorPrimitivesAdd(Span<float> values, float addend)
    {
        for (int i = 0; i < values.Length; i++)
        {
            values[i] += addend;
        }
    }
}
