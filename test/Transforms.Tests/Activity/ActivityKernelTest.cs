using MLGradientInsight.Transforms.Activity;

namespace MLGradientInsight.Transforms.Tests.Activity;

[TestClass]
public sealed class ActivityKernelTest
{
    private static float[] Values(Random rng, int n, bool specials)
    {
        var v = new float[n];
        for (int i = 0; i < n; i++)
        {
            v[i] = (float)(rng.NextDouble() * 2 - 1);
            if (specials && rng.Next(10) == 0)
            {
                v[i] = rng.Next(4) switch { 0 => float.NaN, 1 => float.PositiveInfinity, 2 => float.NegativeInfinity, _ => 0f };
            }
        }

        return v;
    }

    [TestMethod]
    public void SimdPath_MatchesScalarPath_ForEveryLength0To300_WithNaNAndInfinity()
    {
        var rng = new Random(11);
        foreach (float root in new[] { 1f, 2f, 3f })
        {
            for (int n = 0; n <= 300; n++)
            {
                float[] g = Values(rng, n, specials: true);
                float[] p = Values(rng, n, specials: false);
                float[] m = [.. Values(rng, n, specials: false).Select(x => MathF.Abs(x) * (rng.Next(5) == 0 ? 1e-3f : 1f))];
                float[] p2 = (float[])p.Clone(), m2 = (float[])m.Clone();
                var settings = new ActivityKernel.Settings(1e-6f, 0.01f, 0.9f, 0.1f, root);
                ActivitySums fast = default, slow = default;
                ActivityKernel.Active(g, p, m, settings, ref fast);
                ActivityKernel.ActiveScalar(g, p2, m2, settings, ref slow);
                CollectionAssert.AreEqual(p2, p, $"g_prev, n = {n}");
                CollectionAssert.AreEqual(m2, m, $"M, n = {n}");
                Assert.AreEqual(slow.Included, fast.Included, $"n = {n}");
                Assert.AreEqual(slow.NonFinite, fast.NonFinite, $"n = {n}");
                Assert.AreEqual(slow.SumActivity, fast.SumActivity, 1e-5 * (1 + Math.Abs(slow.SumActivity)), $"n = {n}, p = {root}");
                Assert.AreEqual(slow.SumIncludedMean, fast.SumIncludedMean, 1e-5 * (1 + slow.SumIncludedMean));
                Assert.AreEqual(slow.SumMean, fast.SumMean, 1e-5 * (1 + slow.SumMean));
                Assert.AreEqual(slow.SumSquares, fast.SumSquares, 1e-5 * (1 + slow.SumSquares));
            }
        }
    }

    [TestMethod]
    public void EachVectorWidth_MatchesScalarPath()
    {
        var rng = new Random(12);
        var settings = new ActivityKernel.Settings(1e-6f, 0.05f, 0.8f, 0.2f, 2.5f);
        int widths = 0;
        foreach (int width in new[] { 512, 256 })
        {
            if (width == 512 ? !System.Runtime.Intrinsics.Vector512.IsHardwareAccelerated : !System.Runtime.Intrinsics.Vector256.IsHardwareAccelerated)
            {
                continue;
            }

            widths++;
            foreach (int n in new[] { 16, 17, 63, 257, 4096 + 40, 9000 })
            {
                float[] g = Values(rng, n, specials: true), p = Values(rng, n, specials: false);
                float[] m = [.. Values(rng, n, specials: false).Select(MathF.Abs)];
                float[] p2 = (float[])p.Clone(), m2 = (float[])m.Clone();
                ActivitySums fast = default, slow = default;
                int done = width == 512 ? ActivityKernel.Active512(g, p, m, settings, ref fast) : ActivityKernel.Active256(g, p, m, settings, ref fast);
                Assert.AreEqual(n - (n % (width / 32)), done);
                ActivityKernel.ActiveScalar(g.AsSpan(done), p.AsSpan(done), m.AsSpan(done), settings, ref fast);
                ActivityKernel.ActiveScalar(g, p2, m2, settings, ref slow);
                CollectionAssert.AreEqual(m2, m, $"M, width {width}, n = {n}");
                CollectionAssert.AreEqual(p2, p, $"g_prev, width {width}, n = {n}");
                Assert.AreEqual(slow.Included, fast.Included);
                Assert.AreEqual(slow.NonFinite, fast.NonFinite);
                Assert.AreEqual(slow.SumActivity, fast.SumActivity, 1e-5 * (1 + slow.SumActivity));
            }
        }

        if (widths == 0)
        {
            Assert.Inconclusive("Neither Vector512 nor Vector256 is accelerated on this machine; only the scalar path is in use.");
        }
    }

    [TestMethod]
    public void Active_CountsNonFiniteAndLeavesTheirStateUntouched()
    {
        float[] g = [.. Enumerable.Range(0, 37).Select(i => i % 3 == 0 ? float.NaN : i)];
        float[] p = new float[37], m = [.. Enumerable.Repeat(1f, 37)];
        ActivitySums sums = default;
        ActivityKernel.Active(g, p, m, new ActivityKernel.Settings(0, 0, 0.5f, 0.5f, 1), ref sums);
        Assert.AreEqual(13L, sums.NonFinite);
        Assert.AreEqual(24L, sums.Included);
        for (int i = 0; i < 37; i++)
        {
            Assert.AreEqual(i % 3 == 0 ? 0f : i, p[i]);
            Assert.AreEqual(i % 3 == 0 ? 1f : (0.5f * 1f) + (0.5f * i), m[i]);
        }
    }

    [TestMethod]
    public void Active_RejectsSlicesOfDifferentLengths()
    {
        ActivitySums sums = default;
        Assert.ThrowsExactly<ArgumentException>(() => ActivityKernel.Active(new float[3], new float[3], new float[2], default, ref sums));
    }

    [TestMethod]
    public void Sum_IsTheDoubleSumRoundedOnce_ForEveryLength0To256_AndPropagatesNaN()
    {
        var rng = new Random(11);
        for (int n = 0; n <= 256; n++)
        {
            // Large terms that cancel: a float accumulator loses the small ones, a double one keeps them.
            float[] x = [.. Enumerable.Range(0, n).Select(i => (i % 2 == 0 ? 1e6f : -1e6f) + (float)rng.NextDouble())];
            double exact = 0;
            foreach (float v in x)
            {
                exact += v;
            }

            Assert.AreEqual((float)exact, ActivityKernel.Sum(x), $"length {n}");
            if (n > 0)
            {
                x[n / 2] = float.NaN;
                Assert.IsTrue(float.IsNaN(ActivityKernel.Sum(x)), $"length {n} with NaN");
            }
        }
    }

    [TestMethod]
    public void WeightSums_MatchesDoubleReference_ForEveryLength0To300_AndPropagatesNaN()
    {
        var rng = new Random(12);
        for (int n = 0; n <= 300; n++)
        {
            float[] after = [.. Enumerable.Range(0, n).Select(_ => (float)(rng.NextDouble() - 0.5))];
            float[] before = [.. after.Select(w => w + (float)((rng.NextDouble() - 0.5) * 1e-3))];
            double squares = 0, update = 0;
            for (int i = 0; i < n; i++)
            {
                squares += (double)after[i] * after[i];
                update += (double)(after[i] - before[i]) * (after[i] - before[i]);
            }

            ActivityKernel.WeightSums(after, before, out double s, out double u);
            Assert.AreEqual(squares, s, 1e-6 * Math.Max(1e-12, squares), $"length {n} squares");
            Assert.AreEqual(update, u, 1e-5 * Math.Max(1e-12, update), $"length {n} update");
            if (n > 0)
            {
                after[n - 1] = float.NaN;
                ActivityKernel.WeightSums(after, before, out s, out u);
                Assert.IsTrue(double.IsNaN(s) && double.IsNaN(u), $"length {n} with NaN");
            }
        }

        Assert.ThrowsExactly<ArgumentException>(() => ActivityKernel.WeightSums(new float[3], new float[2], out _, out _));
    }

    [TestMethod]
    public void ActiveReadPrevious_GivesTheCopyingPassesMAndSumsBitForBit_ForEveryLength0To300_AndLeavesGPrevUnread()
    {
        var rng = new Random(13);
        foreach (float root in new[] { 1f, 2f, 3f })
        {
            for (int n = 0; n <= 300; n++)
            {
                float[] g = Values(rng, n, specials: true);
                float[] p = Values(rng, n, specials: false);
                float[] m = [.. Values(rng, n, specials: false).Select(x => MathF.Abs(x) * (rng.Next(5) == 0 ? 1e-3f : 1f))];
                float[] pCopy = (float[])p.Clone(), pBefore = (float[])p.Clone(), mRead = (float[])m.Clone();
                var settings = new ActivityKernel.Settings(1e-6f, 0.01f, 0.9f, 0.1f, root);
                ActivitySums copying = default, reading = default;
                ActivityKernel.Active(g, pCopy, m, settings, ref copying);
                ActivityKernel.ActiveReadPrevious(g, p, mRead, settings, ref reading);
                CollectionAssert.AreEqual(m, mRead, $"M, n = {n}, p = {root}");
                Assert.AreEqual(copying, reading, $"sums, n = {n}, p = {root}");

                // g_prev is read only; KeepFinite rebuilds what the copying pass leaves there, also in place.
                CollectionAssert.AreEqual(pBefore, p, $"g_prev unchanged, n = {n}");
                float[] rebuilt = new float[n];
                ActivityKernel.KeepFinite(g, p, rebuilt);
                CollectionAssert.AreEqual(pCopy, rebuilt, $"KeepFinite, n = {n}");
                ActivityKernel.KeepFinite(g, p, p);
                CollectionAssert.AreEqual(pCopy, p, $"KeepFinite in place, n = {n}");
            }
        }
    }

    [TestMethod]
    public void WarmupReadPrevious_GivesTheCopyingWarmupsMAndSumsBitForBit_ForEveryLength0To256()
    {
        var rng = new Random(14);
        for (int n = 0; n <= 256; n++)
        {
            float[] g = Values(rng, n, specials: true), p = Values(rng, n, specials: false), m = Values(rng, n, specials: false);
            float[] pCopy = (float[])p.Clone(), pBefore = (float[])p.Clone(), mRead = (float[])m.Clone();
            ActivitySums copying = default, reading = default;
            ActivityKernel.Warmup(g, pCopy, m, ref copying);
            ActivityKernel.WarmupReadPrevious(g, p, mRead, ref reading);
            CollectionAssert.AreEqual(m, mRead, $"M, n = {n}");
            Assert.AreEqual(copying, reading, $"sums, n = {n}");
            CollectionAssert.AreEqual(pBefore, p, $"g_prev unchanged, n = {n}");
        }
    }

    [TestMethod]
    public void ReadPreviousKernels_RejectSlicesOfDifferentLengths()
    {
        ActivitySums sums = default;
        Assert.ThrowsExactly<ArgumentException>(() => ActivityKernel.ActiveReadPrevious(new float[3], new float[2], new float[3], default, ref sums));
        Assert.ThrowsExactly<ArgumentException>(() => ActivityKernel.WarmupReadPrevious(new float[3], new float[3], new float[2], ref sums));
        Assert.ThrowsExactly<ArgumentException>(() => ActivityKernel.KeepFinite(new float[3], new float[3], new float[4]));
    }
}
