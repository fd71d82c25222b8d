using MLGradientInsight.Trainers.Layers;

namespace MLGradientInsight.Trainers.Tests.Layers;

[TestClass]
public sealed class DropoutTest
{
    [TestMethod]
    public void Training_SameSeed_SameMask()
    {
        Tensor x = GradientCheck.RandomTensor(1, 1.0, 8, 16);
        float[] a = new Dropout("d", 0.3f, new Random(42)).Forward(x).Span.ToArray();
        float[] b = new Dropout("d", 0.3f, new Random(42)).Forward(x).Span.ToArray();
        float[] c = new Dropout("d", 0.3f, new Random(43)).Forward(x).Span.ToArray();
        CollectionAssert.AreEqual(a, b);
        CollectionAssert.AreNotEqual(a, c);
    }

    [TestMethod]
    [DataRow(0.1f)]
    [DataRow(0.5f)]
    [DataRow(0.8f)]
    public void Training_DropsAboutPAndScalesKeptByInverseKeepProbability(float p)
    {
        var x = new Tensor(20_000);
        x.Span.Fill(1f);
        var dropout = new Dropout("d", p, new Random(7));
        ReadOnlySpan<float> y = dropout.Forward(x).Span;
        int dropped = 0;
        foreach (float v in y)
        {
            if (v == 0f)
            {
                dropped++;
            }
            else
            {
                Assert.AreEqual(1f / (1f - p), v, 1e-6f);
            }
        }

        // Binomial(20000, p): 5 standard deviations are below 0.018.
        Assert.AreEqual(p, dropped / 20_000.0, 0.018);
    }

    [TestMethod]
    public void Backward_UsesTheForwardMask()
    {
        Tensor x = GradientCheck.AwayFromZero(2, 0.1, 6, 7);
        var dropout = new Dropout("d", 0.4f, new Random(3));
        ReadOnlySpan<float> y = dropout.Forward(x).Span;
        var upstream = new Tensor(6, 7);
        upstream.Span.Fill(2f);
        ReadOnlySpan<float> dx = dropout.Backward(upstream)!.Span;
        for (int i = 0; i < y.Length; i++)
        {
            float expected = y[i] == 0f ? 0f : 2f / 0.6f;
            Assert.AreEqual(expected, dx[i], 1e-6f, $"element {i}");
        }
    }

    [TestMethod]
    public void Evaluation_IsIdentity_ForwardAndBackward()
    {
        Tensor x = GradientCheck.RandomTensor(4, 1.0, 5, 6);
        Tensor g = GradientCheck.RandomTensor(5, 1.0, 5, 6);
        var dropout = new Dropout("d", 0.7f, new Random(1));
        dropout.SetTraining(false);
        CollectionAssert.AreEqual(x.Span.ToArray(), dropout.Forward(x).Span.ToArray());
        CollectionAssert.AreEqual(g.Span.ToArray(), dropout.Backward(g)!.Span.ToArray());
    }

    [TestMethod]
    public void ProbabilityZero_IsIdentityInTraining_AndOneZeroesEverything()
    {
        Tensor x = GradientCheck.RandomTensor(6, 1.0, 3, 4);
        CollectionAssert.AreEqual(x.Span.ToArray(), new Dropout("d", 0f, new Random(1)).Forward(x).Span.ToArray());
        Assert.IsTrue(new Dropout("d", 1f, new Random(1)).Forward(x).Span.ToArray().All(v => v == 0f));
    }

    [TestMethod]
    [DataRow(-0.1f)]
    [DataRow(1.5f)]
    [DataRow(float.NaN)]
    public void Constructor_BadProbability_Throws(float p)
    {
        var ex = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => new Dropout("d", p, new Random(1)));
        Assert.AreEqual("probability", ex.ParamName);
    }
}
