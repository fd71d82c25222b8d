using MLGradientInsight.Trainers.Layers;

namespace MLGradientInsight.Trainers.Tests.Layers;

[TestClass]
public sealed class BatchNormTest
{
    [TestMethod]
    public void Training_NormalisesEachChannelToBetaAndGamma()
    {
        var bn = new BatchNorm2d("bn", 2);
        bn.Weight.Weights[0] = 2f;
        bn.Weight.Weights[1] = 0.5f;
        bn.Bias.Weights[0] = -1f;
        bn.Bias.Weights[1] = 3f;
        Tensor x = GradientCheck.RandomTensor(1, 3.0, 4, 2, 3, 5);
        ReadOnlySpan<float> y = bn.Forward(x).Span;
        for (int c = 0; c < 2; c++)
        {
            (double mean, double variance) = ChannelMoments(y, 4, 2, 15, c);
            Assert.AreEqual(bn.Bias.Weights[c], mean, 1e-5, $"channel {c} mean");
            double gamma = bn.Weight.Weights[c];
            Assert.AreEqual(gamma * gamma * (1 - 1e-5), variance, 1e-3 * gamma * gamma, $"channel {c} biased variance");
        }
    }

    [TestMethod]
    public void Training_UpdatesRunningStatisticsWithUnbiasedVariance()
    {
        var bn = new BatchNorm1d("bn", 2, momentum: 0.25f);
        var x = new Tensor([1f, 10f, 2f, 20f, 6f, 30f], 3, 2);
        bn.Forward(x);

        // Channel 0: mean 3, unbiased variance ((−2)² + (−1)² + 3²)/2 = 7; channel 1: mean 20, unbiased variance 100.
        Assert.AreEqual(0.75 * 0 + 0.25 * 3, bn.RunningMean.Span[0], 1e-6);
        Assert.AreEqual(0.75 * 0 + 0.25 * 20, bn.RunningMean.Span[1], 1e-5);
        Assert.AreEqual(0.75 * 1 + 0.25 * 7, bn.RunningVariance.Span[0], 1e-6);
        Assert.AreEqual(0.75 * 1 + 0.25 * 100, bn.RunningVariance.Span[1], 1e-5);
        Assert.AreEqual(1L, bn.BatchesTracked);
    }

    [TestMethod]
    public void Evaluation_UsesRunningStatistics_AndLeavesThemUnchanged()
    {
        var bn = new BatchNorm1d("bn", 2);
        bn.RunningMean.Span[0] = 1f;
        bn.RunningMean.Span[1] = -2f;
        bn.RunningVariance.Span[0] = 4f;
        bn.RunningVariance.Span[1] = 0.25f;
        bn.Weight.Weights[1] = 3f;
        bn.Bias.Weights[0] = 0.5f;
        bn.SetTraining(false);
        var x = new Tensor([3f, -1f], 1, 2);

        ReadOnlySpan<float> y = bn.Forward(x).Span;

        Assert.AreEqual(((3 - 1) / Math.Sqrt(4 + 1e-5)) + 0.5, y[0], 1e-6);
        Assert.AreEqual(3 * (-1 + 2) / Math.Sqrt(0.25 + 1e-5), y[1], 1e-5);
        CollectionAssert.AreEqual(new[] { 1f, -2f }, bn.RunningMean.Span.ToArray());
        CollectionAssert.AreEqual(new[] { 4f, 0.25f }, bn.RunningVariance.Span.ToArray());
        Assert.AreEqual(0L, bn.BatchesTracked);
    }

    [TestMethod]
    public void InitialState_IsPyTorchDefault()
    {
        var bn = new BatchNorm2d("bn1", 3);
        Assert.AreEqual("bn1.weight", bn.Parameters[0].Name);
        Assert.AreEqual("bn1.bias", bn.Parameters[1].Name);
        Assert.IsTrue(bn.Weight.Weights.ToArray().All(v => v == 1f));
        Assert.IsTrue(bn.Bias.Weights.ToArray().All(v => v == 0f));
        Assert.IsTrue(bn.RunningMean.Span.ToArray().All(v => v == 0f));
        Assert.IsTrue(bn.RunningVariance.Span.ToArray().All(v => v == 1f));
        Assert.AreEqual(1e-5f, bn.Epsilon);
        Assert.AreEqual(0.1f, bn.Momentum);
    }

    [TestMethod]
    public void Training_OneValuePerChannel_Throws_ButEvaluationAccepts()
    {
        var bn = new BatchNorm1d("bn", 3);
        var x = new Tensor(1, 3);
        var ex = Assert.ThrowsExactly<ArgumentException>(() => bn.Forward(x));
        Assert.Contains("[1, 3]", ex.Message);
        bn.SetTraining(false);
        Assert.HasCount(3, bn.Forward(x).Span.ToArray());
    }

    [TestMethod]
    [DataRow(new[] { 4, 3, 2, 2 })]
    [DataRow(new[] { 4, 2 })]
    [DataRow(new[] { 4 })]
    public void BatchNorm1d_WrongShape_NamesIt(int[] shape)
    {
        var ex = Assert.ThrowsExactly<ArgumentException>(() => new BatchNorm1d("bn", 3).Forward(new Tensor(shape)));
        Assert.AreEqual("input", ex.ParamName);
        Assert.Contains(Tensor.FormatShape(shape), ex.Message);
        Assert.Contains("(N, 3)", ex.Message);
    }

    [TestMethod]
    [DataRow(new[] { 4, 3, 2 })]
    [DataRow(new[] { 4, 2, 2, 2 })]
    public void BatchNorm2d_WrongShape_NamesIt(int[] shape)
    {
        var ex = Assert.ThrowsExactly<ArgumentException>(() => new BatchNorm2d("bn", 3).Forward(new Tensor(shape)));
        Assert.Contains(Tensor.FormatShape(shape), ex.Message);
        Assert.Contains("(N, 3, H, W)", ex.Message);
    }

    private static (double Mean, double Variance) ChannelMoments(ReadOnlySpan<float> y, int n, int channels, int spatial, int c)
    {
        double sum = 0, squares = 0;
        for (int s = 0; s < n; s++)
        {
            for (int i = 0; i < spatial; i++)
            {
                sum += y[(((s * channels) + c) * spatial) + i];
            }
        }

        double mean = sum / (n * spatial);
        for (int s = 0; s < n; s++)
        {
            for (int i = 0; i < spatial; i++)
            {
                double d = y[(((s * channels) + c) * spatial) + i] - mean;
                squares += d * d;
            }
        }

        return (mean, squares / (n * spatial));
    }
}
