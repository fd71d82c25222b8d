using MLGradientInsight.Analyses.GradientSpace;
using MLGradientInsight.Trainers;

namespace MLGradientInsight.Analyses.Tests.GradientSpace;

[TestClass]
public sealed class BlockLinearTests
{
    [TestMethod]
    public void Each_block_sees_only_its_slice_of_the_input()
    {
        var layer = new BlockLinear("block", 6, [(0, 4), (2, 4)], 2, new Random(1));
        var x = new Tensor(2, 6);
        var random = new Random(2);
        for (int i = 0; i < x.Length; i++)
        {
            x.Span[i] = (float)random.NextDouble();
        }

        float[] before = layer.Forward(x).Span.ToArray();
        x[1, 5] += 1f; // only block 2 sees input 5
        float[] after = layer.Forward(x).Span.ToArray();
        CollectionAssert.AreEqual(before[..6], after[..6], "sample 0 unchanged");
        CollectionAssert.AreEqual(before[4..6], after[4..6], "block 1 of sample 1 unchanged");
        Assert.IsTrue(after[6] != before[6] || after[7] != before[7], "block 2 of sample 1 changed");
    }

    [TestMethod]
    public void Gradients_match_central_finite_differences()
    {
        var layer = new BlockLinear("block", 7, [(0, 5), (3, 4)], 3, new Random(3));
        var random = new Random(4);
        var x = new Tensor(3, 7);
        var upstream = new Tensor(3, 6);
        for (int i = 0; i < x.Length; i++)
        {
            x.Span[i] = (float)((random.NextDouble() * 2) - 1);
        }

        for (int i = 0; i < upstream.Length; i++)
        {
            upstream.Span[i] = (float)((random.NextDouble() * 2) - 1);
        }

        // L = Σ upstream ⊙ y, so dL/dy = upstream.
        double LossOf() => Dot(layer.Forward(x).Span, upstream.Span);
        layer.ZeroGrad();
        layer.Forward(x);
        float[] dx = layer.Backward(upstream)!.Span.ToArray();
        foreach (Parameter p in layer.Parameters)
        {
            AssertFiniteDifferences(p.Weights, p.Gradients.ToArray(), LossOf, p.Name);
        }

        AssertFiniteDifferences(x.Span, dx, LossOf, "x (inputs 3 and 4 are in both blocks)");
    }

    [TestMethod]
    public void Blocks_pair_each_base_layer_with_the_next()
    {
        (int, int)[] blocks = GradNet.Blocks([(0, 5), (5, 3), (8, 2)]);
        CollectionAssert.AreEqual(new[] { (0, 8), (5, 5), (8, 2) }, blocks);
        CollectionAssert.AreEqual(new[] { (0, 4) }, GradNet.Blocks([(0, 4)]));
    }

    [TestMethod]
    public void A_block_outside_the_input_is_refused()
    {
        ArgumentException e = Assert.ThrowsExactly<ArgumentException>(() => new BlockLinear("block", 4, [(2, 3)], 2, new Random(1)));
        Assert.AreEqual("blocks", e.ParamName);
    }

    // Central differences of loss() against the analytic gradient, one element of values at a time.
    private static void AssertFiniteDifferences(Span<float> values, float[] gradient, Func<double> loss, string what)
    {
        const float h = 1e-2f;
        for (int e = 0; e < values.Length; e++)
        {
            float saved = values[e];
            values[e] = saved + h;
            double plus = loss();
            values[e] = saved - h;
            double minus = loss();
            values[e] = saved;
            Assert.AreEqual((plus - minus) / (2 * h), gradient[e], 1e-3, $"{what}[{e}]");
        }
    }

    private static double Dot(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        double s = 0;
        for (int i = 0; i < a.Length; i++)
        {
            s += (double)a[i] * b[i];
        }

        return s;
    }
}
