using MLGradientInsight.Trainers.Optimizers;

namespace MLGradientInsight.Trainers.Tests.Optimizers;

/// <summary>The fused SIMD SGD-momentum kernel against a plain double-precision reference, every length 0–256.</summary>
[TestClass]
public sealed class SgdKernelTest
{
    [TestMethod]
    [DataRow(true, false)]
    [DataRow(false, false)]
    [DataRow(true, true)]
    [DataRow(false, true)]
    public void Update_EveryLength_MatchesDoubleReference(bool first, bool nesterov)
    {
        const float lr = 0.05f, wd = 0.01f, mu = 0.9f;
        float dampening = nesterov ? 0f : 0.2f;
        for (int n = 0; n <= 256; n++)
        {
            var rng = new Random(n);
            float[] w = Random(rng, n), g = Random(rng, n), b = Random(rng, n);
            double[] ew = new double[n], eb = new double[n];
            for (int i = 0; i < n; i++)
            {
                double d = g[i] + (wd * (double)w[i]);
                eb[i] = first ? d : (mu * (double)b[i]) + ((1 - dampening) * d);
                ew[i] = w[i] - (lr * (nesterov ? d + (mu * eb[i]) : eb[i]));
            }

            SgdKernel.Update(w, g, b, first, lr, wd, mu, dampening, nesterov);
            for (int i = 0; i < n; i++)
            {
                Assert.AreEqual(ew[i], w[i], 1e-6 * (1 + Math.Abs(ew[i])), $"w, n = {n}, i = {i}");
                Assert.AreEqual(eb[i], b[i], 1e-6 * (1 + Math.Abs(eb[i])), $"b, n = {n}, i = {i}");
            }
        }
    }

    [TestMethod]
    public void Update_NaNGradient_PoisonsOnlyItsElement()
    {
        const int n = 21;
        var rng = new Random(3);
        float[] w = Random(rng, n), g = Random(rng, n), b = new float[n];
        g[0] = float.NaN;
        g[20] = float.NaN;
        SgdKernel.Update(w, g, b, first: true, 0.1f, 0f, 0.9f, 0f, nesterov: false);
        for (int i = 0; i < n; i++)
        {
            Assert.AreEqual(i is 0 or 20, float.IsNaN(w[i]), $"element {i}");
        }
    }

    [TestMethod]
    public void Update_MismatchedLengths_Throws()
    {
        Assert.ThrowsExactly<ArgumentException>(() => SgdKernel.Update(new float[3], new float[3], new float[2], false, 0.1f, 0f, 0.9f, 0f, false));
    }

    private static float[] Random(Random rng, int n) => [.. Enumerable.Range(0, n).Select(_ => (float)(rng.NextDouble() - 0.5))];
}
