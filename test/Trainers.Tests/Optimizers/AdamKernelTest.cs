using MLGradientInsight.Trainers.Optimizers;

namespace MLGradientInsight.Trainers.Tests.Optimizers;

/// <summary>The fused SIMD Adam kernel against a plain double-precision reference, every length 0–256.</summary>
[TestClass]
public sealed class AdamKernelTest
{
    [TestMethod]
    [DataRow(false, false)]
    [DataRow(true, false)]
    [DataRow(false, true)]
    [DataRow(true, true)]
    public void Update_EveryLength_MatchesDoubleReference(bool amsgrad, bool decoupled)
    {
        for (int n = 0; n <= 256; n++)
        {
            var rng = new Random(n);
            float[] w = Random(rng, n), g = Random(rng, n), m = Random(rng, n, 0.1), v = Random(rng, n, 0.01, positive: true);
            float[] x = amsgrad ? Random(rng, n, 0.02, positive: true) : [];
            var c = new AdamCoefficients(decoupled ? 0.999f : 1f, decoupled ? 0f : 0.05f, 0.9f, 0.999f, 0.013f, 0.0447f, 1e-8f);
            double[] ew = new double[n], em = new double[n], ev = new double[n], ex = new double[n];
            for (int i = 0; i < n; i++)
            {
                double wi = (double)w[i] * c.Decay;
                double gi = g[i] + (c.L2 * wi);
                em[i] = (c.Beta1 * (double)m[i]) + ((1 - (double)c.Beta1) * gi);
                ev[i] = (c.Beta2 * (double)v[i]) + ((1 - (double)c.Beta2) * gi * gi);
                double vv = amsgrad ? Math.Max(x[i], ev[i]) : ev[i];
                ex[i] = vv;
                ew[i] = wi - (c.StepSize * em[i] / ((Math.Sqrt(vv) / c.Bias2Sqrt) + c.Epsilon));
            }

            AdamKernel.Update(w, g, m, v, x, c);
            for (int i = 0; i < n; i++)
            {
                Assert.AreEqual(ew[i], w[i], 2e-6 * (1 + Math.Abs(ew[i])), $"w, n = {n}, i = {i}");
                Assert.AreEqual(em[i], m[i], 2e-6 * (1 + Math.Abs(em[i])), $"m, n = {n}, i = {i}");
                Assert.AreEqual(ev[i], v[i], 2e-6 * Math.Abs(ev[i]), $"v, n = {n}, i = {i}");
                if (amsgrad)
                {
                    Assert.AreEqual(ex[i], x[i], 2e-6 * Math.Abs(ex[i]), $"vMax, n = {n}, i = {i}");
                }
            }
        }
    }

    [TestMethod]
    public void Update_NaNGradient_PoisonsOnlyItsElement()
    {
        const int n = 37;
        var rng = new Random(7);
        float[] w = Random(rng, n), g = Random(rng, n), m = new float[n], v = new float[n];
        g[3] = float.NaN;
        g[35] = float.NaN; // in the scalar tail
        var c = new AdamCoefficients(1f, 0f, 0.9f, 0.999f, 0.01f, 0.0316f, 1e-8f);
        AdamKernel.Update(w, g, m, v, [], c);
        for (int i = 0; i < n; i++)
        {
            Assert.AreEqual(i is 3 or 35, float.IsNaN(w[i]), $"element {i}");
            Assert.AreEqual(i is 3 or 35, float.IsNaN(m[i]), $"m element {i}");
        }
    }

    [TestMethod]
    public void Update_MismatchedLengths_Throws()
    {
        var c = new AdamCoefficients(1f, 0f, 0.9f, 0.999f, 0.01f, 0.0316f, 1e-8f);
        Assert.ThrowsExactly<ArgumentException>(() => AdamKernel.Update(new float[4], new float[3], new float[4], new float[4], [], c));
        Assert.ThrowsExactly<ArgumentException>(() => AdamKernel.Update(new float[4], new float[4], new float[4], new float[4], new float[2], c));
    }

    [TestMethod]
    public void Adam_FirstStep_MovesEveryWeightByLearningRateTimesSign()
    {
        // At t = 1: m̂ = g, v̂ = g², so the step is η·g/(|g| + ε) ≈ η·sign(g) — the classic Adam property.
        var p = new Parameter("fc", "weight", 19);
        var rng = new Random(11);
        for (int i = 0; i < p.Length; i++)
        {
            p.Gradients[i] = (float)(rng.NextDouble() - 0.5) * 10;
        }

        new Adam([p], 0.01f).Step();
        for (int i = 0; i < p.Length; i++)
        {
            Assert.AreEqual(-0.01f * MathF.Sign(p.Gradients[i]), p.Weights[i], 1e-6f, $"element {i}");
        }
    }

    private static float[] Random(Random rng, int n, double scale = 1, bool positive = false) =>
        [.. Enumerable.Range(0, n).Select(_ => (float)((positive ? rng.NextDouble() : rng.NextDouble() - 0.5) * scale))];
}
