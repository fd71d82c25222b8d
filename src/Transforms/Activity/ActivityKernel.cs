using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace MLGradientInsight.Transforms.Activity;

/// <summary>
/// The fused per-step pass of the activity algorithm (000 §3.3): one read of g, g_prev and M and one write of
/// g_prev and M per element, producing every sum the records need. The <c>ReadPrevious</c> variants leave g_prev alone
/// (an adapter that keeps last step's gradient alive passes it as g_prev: 16 bytes per element instead of 20).
/// </summary>
/// <remarks>
/// Per element, with g finite:
/// I = |g − g_prev|; included ⇔ M &gt; absolute ∧ M ≥ relative (000 §3.5);
/// dI = (|I − M| / M)^(1/p) summed over included elements (eq. 2, root scaling §3.5);
/// M ← k1·M + k2·I (eq. 3, computed as (k1·M) + (k2·I) without FMA so every path rounds alike); g_prev ← g.
/// A non-finite g is counted, excluded, and leaves M and g_prev untouched.
/// Sums are accumulated in float lanes over blocks of <see cref="Block"/> elements and then in double.
/// </remarks>
internal static class ActivityKernel
{
    /// <summary>Elements per float accumulation block.</summary>
    internal const int Block = 4096;

    /// <summary>Settings of one pass.</summary>
    /// <param name="Absolute">Absolute threshold on M.</param>
    /// <param name="Relative">Relative threshold already multiplied by the layer's mean M.</param>
    /// <param name="Keep">k1 = 1 − k2.</param>
    /// <param name="Smoothing">k2.</param>
    /// <param name="RootExponent">p.</param>
    internal readonly record struct Settings(float Absolute, float Relative, float Keep, float Smoothing, float RootExponent);

    /// <summary>
    /// Σ values accumulated in double and rounded once to float: the grouped value of a unit or tensor (000 §3.4.1). Any
    /// engine that sums in double gets the same float (a float sum's result depends on its order, and a layer's gradients
    /// often cancel — the output layer's sum under softmax cross-entropy is 0 up to rounding). NaN and ∞ propagate.
    /// </summary>
    internal static float Sum(ReadOnlySpan<float> values)
    {
        int i = 0;
        double sum = 0;
        if (Vector256.IsHardwareAccelerated && values.Length >= 2 * Vector256<float>.Count)
        {
            ref float start = ref MemoryMarshal.GetReference(values);
            Vector256<double> a = Vector256<double>.Zero, b = Vector256<double>.Zero;
            for (; i <= values.Length - Vector256<float>.Count; i += Vector256<float>.Count)
            {
                (Vector256<double> lower, Vector256<double> upper) = Vector256.Widen(Vector256.LoadUnsafe(ref start, (nuint)i));
                a += lower;
                b += upper;
            }

            sum = Vector256.Sum(a + b);
        }

        for (; i < values.Length; i++)
        {
            sum += values[i];
        }

        return (float)sum;
    }

    /// <summary>
    /// Σ θ² and Σ (θ − θ_before)² in one pass over both spans (the weight and update norms of a step): float lanes over
    /// blocks of <see cref="Block"/> elements, then double, as the activity pass sums.
    /// </summary>
    /// <param name="weights">θ after the update.</param>
    /// <param name="before">θ before the update, the same length.</param>
    /// <param name="squares">Σ θ².</param>
    /// <param name="updateSquares">Σ (θ − θ_before)².</param>
    internal static void WeightSums(ReadOnlySpan<float> weights, ReadOnlySpan<float> before, out double squares, out double updateSquares)
    {
        if (before.Length != weights.Length)
        {
            throw new ArgumentException($"Slices differ in length: weights {weights.Length}, before {before.Length}.", nameof(before));
        }

        squares = 0;
        updateSquares = 0;
        int i = 0;
        if (Vector256.IsHardwareAccelerated && weights.Length >= Vector256<float>.Count)
        {
            int width = Vector256<float>.Count;
            int end = weights.Length - (weights.Length % width);
            ref float wRef = ref MemoryMarshal.GetReference(weights);
            ref float bRef = ref MemoryMarshal.GetReference(before);
            for (int start = 0; start < end; start += Block)
            {
                int stop = Math.Min(end, start + Block);
                Vector256<float> sq = Vector256<float>.Zero, up = Vector256<float>.Zero;
                for (int k = start; k < stop; k += width)
                {
                    Vector256<float> w = Vector256.LoadUnsafe(ref wRef, (nuint)k);
                    Vector256<float> d = w - Vector256.LoadUnsafe(ref bRef, (nuint)k);
                    sq += w * w;
                    up += d * d;
                }

                squares += Vector256.Sum(sq);
                updateSquares += Vector256.Sum(up);
            }

            i = end;
        }

        for (; i < weights.Length; i++)
        {
            float w = weights[i], d = w - before[i];
            squares += w * w;
            updateSquares += d * d;
        }
    }

    /// <summary>Step 1: g_prev ← g (non-finite values store 0); counts non-finite values and Σ g².</summary>
    internal static void First(ReadOnlySpan<float> g, Span<float> previous, ref ActivitySums sums)
    {
        double squares = 0;
        long nonFinite = 0;
        for (int i = 0; i < g.Length; i++)
        {
            float x = g[i];
            if (float.IsFinite(x))
            {
                previous[i] = x;
                squares += (double)x * x;
            }
            else
            {
                previous[i] = 0f;
                nonFinite++;
            }
        }

        sums.SumSquares += squares;
        sums.NonFinite += nonFinite;
    }

    /// <summary>Warm-up step: M ← M + |g − g_prev| and g_prev ← g for finite g (M holds the sum until warm-up ends).</summary>
    internal static void Warmup(ReadOnlySpan<float> g, Span<float> previous, Span<float> mean, ref ActivitySums sums) =>
        Warmup<CopyPrevious>(g, previous, mean, ref sums);

    /// <summary>
    /// Warm-up step that reads g_prev and does not write it: M ← M + |g − g_prev| for finite g. For a caller that keeps the
    /// previous step's gradient alive as g_prev (see <see cref="ActiveReadPrevious"/>).
    /// </summary>
    internal static void WarmupReadPrevious(ReadOnlySpan<float> g, ReadOnlySpan<float> previous, Span<float> mean, ref ActivitySums sums) =>
        Warmup<ReadPrevious>(g, previous, mean, ref sums);

    /// <summary>
    /// Where g is finite, destination ← g, else destination ← previous: the g_prev the copying pass leaves behind, rebuilt after a
    /// pass that only read g_prev (needed only when a step had non-finite values). <paramref name="destination"/> may be
    /// <paramref name="previous"/> itself.
    /// </summary>
    internal static void KeepFinite(ReadOnlySpan<float> g, ReadOnlySpan<float> previous, Span<float> destination)
    {
        if (previous.Length != g.Length || destination.Length != g.Length)
        {
            throw new ArgumentException($"Slices differ in length: g {g.Length}, g_prev {previous.Length}, destination {destination.Length}.", nameof(previous));
        }

        for (int i = 0; i < g.Length; i++)
        {
            float x = g[i];
            destination[i] = float.IsFinite(x) ? x : previous[i];
        }
    }

    private static void Warmup<TPrevious>(ReadOnlySpan<float> g, ReadOnlySpan<float> previous, Span<float> mean, ref ActivitySums sums)
        where TPrevious : struct, IPreviousPolicy
    {
        if (previous.Length != g.Length || mean.Length != g.Length)
        {
            throw new ArgumentException($"Slices differ in length: g {g.Length}, g_prev {previous.Length}, M {mean.Length}.", nameof(previous));
        }

        ref float pRef = ref MemoryMarshal.GetReference(previous);
        double squares = 0;
        long nonFinite = 0;
        for (int i = 0; i < g.Length; i++)
        {
            float x = g[i];
            if (float.IsFinite(x))
            {
                mean[i] += MathF.Abs(x - previous[i]);
                if (TPrevious.Writes)
                {
                    Unsafe.Add(ref pRef, i) = x;
                }

                squares += (double)x * x;
            }
            else
            {
                nonFinite++;
            }
        }

        sums.SumSquares += squares;
        sums.NonFinite += nonFinite;
    }

    /// <summary>An active step over one slice; adds its sums to <paramref name="sums"/>.</summary>
    /// <param name="g">The current gradient (or grouped values).</param>
    /// <param name="previous">g_prev, updated in place.</param>
    /// <param name="mean">M, updated in place.</param>
    /// <param name="settings">Thresholds and coefficients.</param>
    /// <param name="sums">The running sums.</param>
    internal static void Active(ReadOnlySpan<float> g, Span<float> previous, Span<float> mean, in Settings settings, ref ActivitySums sums) =>
        Active<CopyPrevious>(g, previous, mean, settings, ref sums);

    /// <summary>
    /// An active step that reads g_prev and does not write it: the same M and sums as <see cref="Active"/> to the last bit,
    /// moving 16 bytes per element instead of 20 (read g, g_prev, M; write M). For a caller that keeps the previous step's
    /// gradient alive and unchanged as g_prev, so no copy of it is needed. Where g is not finite the copying pass keeps the old
    /// g_prev; such a caller rebuilds that state with <see cref="KeepFinite"/> when <see cref="ActivitySums.NonFinite"/> grew.
    /// </summary>
    /// <param name="g">The current gradient.</param>
    /// <param name="previous">g_prev: the previous step's gradient, read only.</param>
    /// <param name="mean">M, updated in place.</param>
    /// <param name="settings">Thresholds and coefficients.</param>
    /// <param name="sums">The running sums.</param>
    internal static void ActiveReadPrevious(ReadOnlySpan<float> g, ReadOnlySpan<float> previous, Span<float> mean, in Settings settings, ref ActivitySums sums) =>
        Active<ReadPrevious>(g, previous, mean, settings, ref sums);

    /// <summary>The scalar path (tails and machines without SIMD).</summary>
    internal static void ActiveScalar(ReadOnlySpan<float> g, Span<float> previous, Span<float> mean, in Settings settings, ref ActivitySums sums) =>
        ActiveScalar<CopyPrevious>(g, previous, mean, settings, ref sums);

    /// <summary>The Vector512 path; returns how many leading elements it processed (a multiple of the vector width).</summary>
    internal static int Active512(ReadOnlySpan<float> g, Span<float> previous, Span<float> mean, in Settings settings, ref ActivitySums sums) =>
        Active512<CopyPrevious>(g, previous, mean, settings, ref sums);

    /// <summary>The Vector256 path; returns how many leading elements it processed (a multiple of the vector width).</summary>
    internal static int Active256(ReadOnlySpan<float> g, Span<float> previous, Span<float> mean, in Settings settings, ref ActivitySums sums) =>
        Active256<CopyPrevious>(g, previous, mean, settings, ref sums);

    private static void Active<TPrevious>(ReadOnlySpan<float> g, ReadOnlySpan<float> previous, Span<float> mean, in Settings settings, ref ActivitySums sums)
        where TPrevious : struct, IPreviousPolicy
    {
        if (previous.Length != g.Length || mean.Length != g.Length)
        {
            throw new ArgumentException($"Slices differ in length: g {g.Length}, g_prev {previous.Length}, M {mean.Length}.", nameof(previous));
        }

        int done = 0;
        if (Vector512.IsHardwareAccelerated && g.Length >= Vector512<float>.Count)
        {
            done = Active512<TPrevious>(g, previous, mean, settings, ref sums);
        }
        else if (Vector256.IsHardwareAccelerated && g.Length >= Vector256<float>.Count)
        {
            done = Active256<TPrevious>(g, previous, mean, settings, ref sums);
        }

        ActiveScalar<TPrevious>(g[done..], previous[done..], mean[done..], settings, ref sums);
    }

    private static void ActiveScalar<TPrevious>(ReadOnlySpan<float> g, ReadOnlySpan<float> previous, Span<float> mean, in Settings settings, ref ActivitySums sums)
        where TPrevious : struct, IPreviousPolicy
    {
        ref float pRef = ref MemoryMarshal.GetReference(previous);
        float absolute = settings.Absolute, relative = settings.Relative, keep = settings.Keep, k2 = settings.Smoothing;
        float p = settings.RootExponent, inverseP = 1f / p;
        double sumActivity = 0, sumIncludedMean = 0, sumMean = 0, squares = 0;
        long included = 0, nonFinite = 0;
        for (int i = 0; i < g.Length; i++)
        {
            float x = g[i];
            float m = mean[i];
            if (!float.IsFinite(x))
            {
                nonFinite++;
                sumMean += m;
                continue;
            }

            float change = MathF.Abs(x - previous[i]);
            if (m > absolute && m >= relative)
            {
                float d = MathF.Abs(change - m) / m;
                d = p == 1f ? d : p == 2f ? MathF.Sqrt(d) : MathF.Exp(MathF.Log(d) * inverseP);
                sumActivity += d;
                sumIncludedMean += m;
                included++;
            }

            float updated = (keep * m) + (k2 * change);
            mean[i] = updated;
            if (TPrevious.Writes)
            {
                Unsafe.Add(ref pRef, i) = x;
            }

            sumMean += updated;
            squares += (double)x * x;
        }

        sums.SumActivity += sumActivity;
        sums.Included += included;
        sums.SumIncludedMean += sumIncludedMean;
        sums.SumMean += sumMean;
        sums.SumSquares += squares;
        sums.NonFinite += nonFinite;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static int Active512<TPrevious>(ReadOnlySpan<float> g, ReadOnlySpan<float> previous, Span<float> mean, in Settings settings, ref ActivitySums sums)
        where TPrevious : struct, IPreviousPolicy
    {
        int width = Vector512<float>.Count;
        int end = g.Length - (g.Length % width);
        ref float gRef = ref MemoryMarshal.GetReference(g);
        ref float pRef = ref MemoryMarshal.GetReference(previous);
        ref float mRef = ref MemoryMarshal.GetReference(mean);
        Vector512<float> absolute = Vector512.Create(settings.Absolute);
        Vector512<float> relative = Vector512.Create(settings.Relative);
        Vector512<float> keep = Vector512.Create(settings.Keep);
        Vector512<float> k2 = Vector512.Create(settings.Smoothing);
        Vector512<float> inverseP = Vector512.Create(1f / settings.RootExponent);
        Vector512<float> one = Vector512<float>.One;
        int root = settings.RootExponent == 1f ? 1 : settings.RootExponent == 2f ? 2 : 0;
        for (int start = 0; start < end; start += Block)
        {
            int stop = Math.Min(end, start + Block);
            Vector512<float> sumActivity = Vector512<float>.Zero, count = Vector512<float>.Zero, sumIncludedMean = Vector512<float>.Zero;
            Vector512<float> sumMean = Vector512<float>.Zero, squares = Vector512<float>.Zero, nonFinite = Vector512<float>.Zero;
            for (int i = start; i < stop; i += width)
            {
                Vector512<float> x = Vector512.LoadUnsafe(ref gRef, (nuint)i);
                Vector512<float> p = Vector512.LoadUnsafe(ref pRef, (nuint)i);
                Vector512<float> m = Vector512.LoadUnsafe(ref mRef, (nuint)i);
                Vector512<float> finite = Vector512.Equals(x - x, Vector512<float>.Zero);
                Vector512<float> change = Vector512.Abs(x - p);
                Vector512<float> included = finite & Vector512.GreaterThan(m, absolute) & Vector512.GreaterThanOrEqual(m, relative);
                Vector512<float> d = Vector512.Abs(change - m) / m;
                if (root == 2)
                {
                    d = Vector512.Sqrt(d);
                }
                else if (root == 0)
                {
                    // 1^(1/p) = 1 exactly (the approximate Exp/Log would not keep the 'frozen' signature dI = 1 exact).
                    d = Vector512.ConditionalSelect(Vector512.Equals(d, one), one, Vector512.Exp(Vector512.Log(d) * inverseP));
                }

                sumActivity += d & included;
                count += one & included;
                sumIncludedMean += m & included;
                Vector512<float> updated = Vector512.ConditionalSelect(finite, (keep * m) + (k2 * change), m);
                sumMean += updated;
                squares += (x * x) & finite;
                nonFinite += Vector512.AndNot(one, finite);
                updated.StoreUnsafe(ref mRef, (nuint)i);
                if (TPrevious.Writes)
                {
                    Vector512.ConditionalSelect(finite, x, p).StoreUnsafe(ref pRef, (nuint)i);
                }
            }

            sums.SumActivity += Vector512.Sum(sumActivity);
            sums.Included += (long)Vector512.Sum(count);
            sums.SumIncludedMean += Vector512.Sum(sumIncludedMean);
            sums.SumMean += Vector512.Sum(sumMean);
            sums.SumSquares += Vector512.Sum(squares);
            sums.NonFinite += (long)Vector512.Sum(nonFinite);
        }

        return end;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static int Active256<TPrevious>(ReadOnlySpan<float> g, ReadOnlySpan<float> previous, Span<float> mean, in Settings settings, ref ActivitySums sums)
        where TPrevious : struct, IPreviousPolicy
    {
        int width = Vector256<float>.Count;
        int end = g.Length - (g.Length % width);
        ref float gRef = ref MemoryMarshal.GetReference(g);
        ref float pRef = ref MemoryMarshal.GetReference(previous);
        ref float mRef = ref MemoryMarshal.GetReference(mean);
        Vector256<float> absolute = Vector256.Create(settings.Absolute);
        Vector256<float> relative = Vector256.Create(settings.Relative);
        Vector256<float> keep = Vector256.Create(settings.Keep);
        Vector256<float> k2 = Vector256.Create(settings.Smoothing);
        Vector256<float> inverseP = Vector256.Create(1f / settings.RootExponent);
        Vector256<float> one = Vector256<float>.One;
        int root = settings.RootExponent == 1f ? 1 : settings.RootExponent == 2f ? 2 : 0;
        for (int start = 0; start < end; start += Block)
        {
            int stop = Math.Min(end, start + Block);
            Vector256<float> sumActivity = Vector256<float>.Zero, count = Vector256<float>.Zero, sumIncludedMean = Vector256<float>.Zero;
            Vector256<float> sumMean = Vector256<float>.Zero, squares = Vector256<float>.Zero, nonFinite = Vector256<float>.Zero;
            for (int i = start; i < stop; i += width)
            {
                Vector256<float> x = Vector256.LoadUnsafe(ref gRef, (nuint)i);
                Vector256<float> p = Vector256.LoadUnsafe(ref pRef, (nuint)i);
                Vector256<float> m = Vector256.LoadUnsafe(ref mRef, (nuint)i);
                Vector256<float> finite = Vector256.Equals(x - x, Vector256<float>.Zero);
                Vector256<float> change = Vector256.Abs(x - p);
                Vector256<float> included = finite & Vector256.GreaterThan(m, absolute) & Vector256.GreaterThanOrEqual(m, relative);
                Vector256<float> d = Vector256.Abs(change - m) / m;
                if (root == 2)
                {
                    d = Vector256.Sqrt(d);
                }
                else if (root == 0)
                {
                    // 1^(1/p) = 1 exactly (the approximate Exp/Log would not keep the 'frozen' signature dI = 1 exact).
                    d = Vector256.ConditionalSelect(Vector256.Equals(d, one), one, Vector256.Exp(Vector256.Log(d) * inverseP));
                }

                sumActivity += d & included;
                count += one & included;
                sumIncludedMean += m & included;
                Vector256<float> updated = Vector256.ConditionalSelect(finite, (keep * m) + (k2 * change), m);
                sumMean += updated;
                squares += (x * x) & finite;
                nonFinite += Vector256.AndNot(one, finite);
                updated.StoreUnsafe(ref mRef, (nuint)i);
                if (TPrevious.Writes)
                {
                    Vector256.ConditionalSelect(finite, x, p).StoreUnsafe(ref pRef, (nuint)i);
                }
            }

            sums.SumActivity += Vector256.Sum(sumActivity);
            sums.Included += (long)Vector256.Sum(count);
            sums.SumIncludedMean += Vector256.Sum(sumIncludedMean);
            sums.SumMean += Vector256.Sum(sumMean);
            sums.SumSquares += Vector256.Sum(squares);
            sums.NonFinite += (long)Vector256.Sum(nonFinite);
        }

        return end;
    }

    /// <summary>Whether a pass writes g_prev ← g (the copying pass) or only reads g_prev; a constant after JIT specialisation.</summary>
    private interface IPreviousPolicy
    {
        static abstract bool Writes { get; }
    }

    private readonly struct CopyPrevious : IPreviousPolicy
    {
        public static bool Writes => true;
    }

    private readonly struct ReadPrevious : IPreviousPolicy
    {
        public static bool Writes => false;
    }
}
