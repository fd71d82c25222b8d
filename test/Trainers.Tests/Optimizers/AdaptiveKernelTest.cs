using MLGradientInsight.Trainers.Optimizers;

namespace MLGradientInsight.Trainers.Tests.Optimizers;

/// <summary>The fused SIMD Adagrad and Adadelta kernels against plain double-precision references, every length 0–256.</summary>
[TestClass]
public sealed class AdaptiveKernelTest
{
    [TestMethod]
    [DataRow(0f)]
    [DataRow(0.05f)]
    public void Adagrad_EveryLength_MatchesDoubleReference(float weightDecay)
    {
        const float clr = 0.03f, eps = 1e-10f;
        for (int n = 0; n <= 256; n++)
        {
            var rng = new Random(n);
            float[] w = Random(rng, n), g = Random(rng, n), s = Random(rng, n, positive: true);
            double[] ew = new double[n], es = new double[n];
            for (int i = 0; i < n; i++)
            {
                double d = g[i] + (weightDecay * (double)w[i]);
                es[i] = s[i] + (d * d);
                ew[i] = w[i] - (clr * d / (Math.Sqrt(es[i]) + eps));
            }

            AdagradKernel.Update(w, g, s, clr, weightDecay, eps);
            for (int i = 0; i < n; i++)
            {
                Assert.AreEqual(ew[i], w[i], 1e-6 * (1 + Math.Abs(ew[i])), $"w, n = {n}, i = {i}");
                Assert.AreEqual(es[i], s[i], 1e-6 * (1 + es[i]), $"s, n = {n}, i = {i}");
            }
        }
    }

    [TestMethod]
    [DataRow(0f)]
    [DataRow(0.05f)]
    public void Adadelta_EveryLength_MatchesDoubleReference(float weightDecay)
    {
        const float lr = 0.7f, rho = 0.9f, eps = 1e-6f;
        for (int n = 0; n <= 256; n++)
        {
            var rng = new Random(n + 1000);
            float[] w = Random(rng, n), g = Random(rng, n), v = Random(rng, n, positive: true), u = Random(rng, n, positive: true);
            double[] ew = new double[n], ev = new double[n], eu = new double[n];
            for (int i = 0; i < n; i++)
            {
                double d = g[i] + (weightDecay * (double)w[i]);
                ev[i] = (rho * (double)v[i]) + ((1 - (double)rho) * d * d);
                double delta = Math.Sqrt(u[i] + (double)eps) / Math.Sqrt(ev[i] + eps) * d;
                eu[i] = (rho * (double)u[i]) + ((1 - (double)rho) * delta * delta);
                ew[i] = w[i] - (lr * delta);
            }

            AdadeltaKernel.Update(w, g, v, u, lr, weightDecay, rho, eps);
            for (int i = 0; i < n; i++)
            {
                Assert.AreEqual(ew[i], w[i], 1e-6 * (1 + Math.Abs(ew[i])), $"w, n = {n}, i = {i}");
                Assert.AreEqual(ev[i], v[i], 1e-6 * (1 + ev[i]), $"v, n = {n}, i = {i}");
                Assert.AreEqual(eu[i], u[i], 1e-6 * (1 + eu[i]), $"u, n = {n}, i = {i}");
            }
        }
    }

    [TestMethod]
    public void NaNGradient_PoisonsOnlyItsElement()
    {
        const int n = 23;
        float[] g = new float[n];
        g.AsSpan().Fill(0.5f);
        g[2] = float.NaN;
        g[22] = float.NaN;
        float[] w1 = new float[n], s = new float[n], w2 = new float[n], v = new float[n], u = new float[n];
        AdagradKernel.Update(w1, g, s, 0.01f, 0f, 1e-10f);
        AdadeltaKernel.Update(w2, g, v, u, 1f, 0f, 0.9f, 1e-6f);
        for (int i = 0; i < n; i++)
        {
            Assert.AreEqual(i is 2 or 22, float.IsNaN(w1[i]), $"Adagrad element {i}");
            Assert.AreEqual(i is 2 or 22, float.IsNaN(w2[i]), $"Adadelta element {i}");
        }
    }

    [TestMethod]
    public void MismatchedLengths_Throw()
    {
        Assert.ThrowsExactly<ArgumentException>(() => AdagradKernel.Update(new float[3], new float[3], new float[4], 0.01f, 0f, 1e-10f));
        Assert.ThrowsExactly<ArgumentException>(() => AdadeltaKernel.Update(new float[3], new float[3], new float[3], new float[1], 1f, 0f, 0.9f, 1e-6f));
    }

    private static float[] Random(Random rng, int n, bool positive = false) =>
        [.. Enumerable.Range(0, n).Select(_ => (float)(positive ? rng.NextDouble() : rng.NextDouble() - 0.5))];
}
