using MLGradientInsight.Trainers.Optimizers;

namespace MLGradientInsight.Trainers.Tests.Optimizers;

/// <summary>The fused SIMD RMSprop kernel against a plain double-precision reference, every length 0–256.</summary>
[TestClass]
public sealed class RmsPropKernelTest
{
    [TestMethod]
    [DataRow(false, false)]
    [DataRow(true, false)]
    [DataRow(false, true)]
    [DataRow(true, true)]
    public void Update_EveryLength_MatchesDoubleReference(bool centered, bool withMomentum)
    {
        const float lr = 0.01f, wd = 0.02f, alpha = 0.9f, eps = 1e-6f, mu = 0.5f;
        for (int n = 0; n <= 256; n++)
        {
            var rng = new Random(n);
            float[] w = Random(rng, n), g = Random(rng, n);
            float[] a = centered ? Random(rng, n, 0.1) : [];
            // v ≥ a² keeps v − a² ≥ 0 after the update (it becomes α(v − a²) + α(1 − α)(a − d)²).
            float[] v = [.. Enumerable.Range(0, n).Select(i => (float)(rng.NextDouble() * 0.1) + (centered ? a[i] * a[i] : 0f))];
            float[] b = withMomentum ? Random(rng, n) : [];
            double[] ew = new double[n], ev = new double[n], ea = new double[n], eb = new double[n];
            for (int i = 0; i < n; i++)
            {
                double d = g[i] + (wd * (double)w[i]);
                ev[i] = (alpha * (double)v[i]) + ((1 - (double)alpha) * d * d);
                double root;
                if (centered)
                {
                    ea[i] = (alpha * (double)a[i]) + ((1 - (double)alpha) * d);
                    root = Math.Sqrt(ev[i] - (ea[i] * ea[i])) + eps;
                }
                else
                {
                    root = Math.Sqrt(ev[i]) + eps;
                }

                double step = d / root;
                if (withMomentum)
                {
                    eb[i] = (mu * (double)b[i]) + step;
                    step = eb[i];
                }

                ew[i] = w[i] - (lr * step);
            }

            RmsPropKernel.Update(w, g, v, a, b, lr, wd, alpha, eps, withMomentum ? mu : 0f);
            for (int i = 0; i < n; i++)
            {
                Assert.AreEqual(ew[i], w[i], 1e-5 * (1 + Math.Abs(ew[i])), $"w, n = {n}, i = {i}");
                Assert.AreEqual(ev[i], v[i], 1e-6 * (1 + Math.Abs(ev[i])), $"v, n = {n}, i = {i}");
                if (centered)
                {
                    Assert.AreEqual(ea[i], a[i], 1e-6, $"a, n = {n}, i = {i}");
                }

                if (withMomentum)
                {
                    Assert.AreEqual(eb[i], b[i], 1e-4 * (1 + Math.Abs(eb[i])), $"b, n = {n}, i = {i}");
                }
            }
        }
    }

    [TestMethod]
    public void Update_NaNGradient_PoisonsOnlyItsElement()
    {
        const int n = 19;
        var rng = new Random(5);
        float[] w = Random(rng, n), g = Random(rng, n), v = new float[n];
        g[1] = float.NaN;
        g[18] = float.NaN;
        RmsPropKernel.Update(w, g, v, [], [], 0.01f, 0f, 0.99f, 1e-8f, 0f);
        for (int i = 0; i < n; i++)
        {
            Assert.AreEqual(i is 1 or 18, float.IsNaN(w[i]), $"element {i}");
        }
    }

    [TestMethod]
    public void Update_MismatchedLengths_Throws()
    {
        Assert.ThrowsExactly<ArgumentException>(() => RmsPropKernel.Update(new float[3], new float[3], new float[3], new float[2], [], 0.01f, 0f, 0.99f, 1e-8f, 0f));
    }

    private static float[] Random(Random rng, int n, double scale = 1) => [.. Enumerable.Range(0, n).Select(_ => (float)((rng.NextDouble() - 0.5) * scale))];
}
