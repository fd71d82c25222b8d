using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace MLGradientInsight.Trainers.Layers;

/// <summary>
/// Direct loops for the matrix products of small fully connected layers (a 15×15 layer at batch 1), where a
/// general GEMM's validation, dispatch and packing cost far more than the few hundred multiply-adds themselves.
/// </summary>
/// <remarks>
/// Every element is computed by a fixed sequence of operations that depends only on the sizes, so results are
/// bit-identical run to run. Vectors run along the contiguous rows (Vector256, scalar tail).
/// </remarks>
internal static class SmallMatrix
{
    /// <summary>Largest product n·in·out (multiply-adds) that <see cref="Linear"/> computes with these loops rather than GEMM.</summary>
    internal const int MaxProduct = 8192;

    /// <summary>y[i, o] = β·y[i, o] + x_i · w_o for x (n, k), w (m, k), y (n, m); β is 0 or 1.</summary>
    /// <param name="x">The rows x_i.</param>
    /// <param name="w">The rows w_o.</param>
    /// <param name="y">The result.</param>
    /// <param name="n">Rows of x.</param>
    /// <param name="m">Rows of w.</param>
    /// <param name="k">Row length of x and w.</param>
    /// <param name="accumulate">Add to y (β = 1) instead of overwriting it.</param>
    public static void RowDots(ReadOnlySpan<float> x, ReadOnlySpan<float> w, Span<float> y, int n, int m, int k, bool accumulate)
    {
        if (x.Length < n * k || w.Length < m * k || y.Length < n * m)
        {
            ThrowLengths();
        }

        ref float xr = ref MemoryMarshal.GetReference(x);
        ref float wr = ref MemoryMarshal.GetReference(w);
        ref float yr = ref MemoryMarshal.GetReference(y);
        for (int i = 0; i < n; i++)
        {
            ref float xi = ref Unsafe.Add(ref xr, i * k);
            ref float yi = ref Unsafe.Add(ref yr, i * m);
            for (int o = 0; o < m; o++)
            {
                float d = Dot(ref xi, ref Unsafe.Add(ref wr, o * k), k);
                Unsafe.Add(ref yi, o) = accumulate ? Unsafe.Add(ref yi, o) + d : d;
            }
        }
    }

    /// <summary>g[o, :] += Σ_i dy[i, o] · x_i for dy (n, m), x (n, k), g (m, k).</summary>
    /// <param name="dy">The coefficients.</param>
    /// <param name="x">The rows x_i.</param>
    /// <param name="g">The accumulator.</param>
    /// <param name="n">Rows of dy and x.</param>
    /// <param name="m">Columns of dy, rows of g.</param>
    /// <param name="k">Row length of x and g.</param>
    public static void AddOuterProducts(ReadOnlySpan<float> dy, ReadOnlySpan<float> x, Span<float> g, int n, int m, int k)
    {
        if (dy.Length < n * m || x.Length < n * k || g.Length < m * k)
        {
            ThrowLengths();
        }

        ref float dyr = ref MemoryMarshal.GetReference(dy);
        ref float xr = ref MemoryMarshal.GetReference(x);
        ref float gr = ref MemoryMarshal.GetReference(g);
        if (Vector256.IsHardwareAccelerated && k >= Vector256<float>.Count && k <= 2 * Vector256<float>.Count)
        {
            // A row of 8 to 16 values lives in two registers, [0, 8) and [k − 8, k); where they overlap both get the same
            // sequence of multiply-adds, so storing both (high first) is exact, and nothing is reloaded between updates.
            nuint last = (nuint)(k - Vector256<float>.Count);
            for (int o = 0; o < m; o++)
            {
                ref float go = ref Unsafe.Add(ref gr, o * k);
                Vector256<float> lo = Vector256.LoadUnsafe(ref go), hi = Vector256.LoadUnsafe(ref go, last);
                for (int i = 0; i < n; i++)
                {
                    Vector256<float> a = Vector256.Create(Unsafe.Add(ref dyr, (i * m) + o));
                    ref float xi = ref Unsafe.Add(ref xr, i * k);
                    lo = Vector256.FusedMultiplyAdd(a, Vector256.LoadUnsafe(ref xi), lo);
                    hi = Vector256.FusedMultiplyAdd(a, Vector256.LoadUnsafe(ref xi, last), hi);
                }

                hi.StoreUnsafe(ref go, last);
                lo.StoreUnsafe(ref go);
            }

            return;
        }

        for (int o = 0; o < m; o++)
        {
            ref float go = ref Unsafe.Add(ref gr, o * k);
            for (int i = 0; i < n; i++)
            {
                Axpy(Unsafe.Add(ref dyr, (i * m) + o), ref Unsafe.Add(ref xr, i * k), ref go, k);
            }
        }
    }

    /// <summary>dx_i = Σ_o dy[i, o] · w_o for dy (n, m), w (m, k), dx (n, k) (overwritten).</summary>
    /// <param name="dy">The coefficients.</param>
    /// <param name="w">The rows w_o.</param>
    /// <param name="dx">The result.</param>
    /// <param name="n">Rows of dy and dx.</param>
    /// <param name="m">Columns of dy, rows of w.</param>
    /// <param name="k">Row length of w and dx.</param>
    public static void CombineRows(ReadOnlySpan<float> dy, ReadOnlySpan<float> w, Span<float> dx, int n, int m, int k)
    {
        if (dy.Length < n * m || w.Length < m * k || dx.Length < n * k)
        {
            ThrowLengths();
        }

        ref float dyr = ref MemoryMarshal.GetReference(dy);
        ref float wr = ref MemoryMarshal.GetReference(w);
        ref float dxr = ref MemoryMarshal.GetReference(dx);
        if (Vector256.IsHardwareAccelerated && k >= Vector256<float>.Count && k <= 2 * Vector256<float>.Count)
        {
            // As in AddOuterProducts: the row accumulates in two overlapping registers, stored once.
            nuint last = (nuint)(k - Vector256<float>.Count);
            for (int i = 0; i < n; i++)
            {
                Vector256<float> lo = Vector256<float>.Zero, hi = Vector256<float>.Zero;
                for (int o = 0; o < m; o++)
                {
                    Vector256<float> a = Vector256.Create(Unsafe.Add(ref dyr, (i * m) + o));
                    ref float wo = ref Unsafe.Add(ref wr, o * k);
                    lo = Vector256.FusedMultiplyAdd(a, Vector256.LoadUnsafe(ref wo), lo);
                    hi = Vector256.FusedMultiplyAdd(a, Vector256.LoadUnsafe(ref wo, last), hi);
                }

                ref float dxi = ref Unsafe.Add(ref dxr, i * k);
                hi.StoreUnsafe(ref dxi, last);
                lo.StoreUnsafe(ref dxi);
            }

            return;
        }

        dx[..(n * k)].Clear();
        for (int i = 0; i < n; i++)
        {
            ref float dxi = ref Unsafe.Add(ref dxr, i * k);
            for (int o = 0; o < m; o++)
            {
                Axpy(Unsafe.Add(ref dyr, (i * m) + o), ref Unsafe.Add(ref wr, o * k), ref dxi, k);
            }
        }
    }

    /// <summary>
    /// y[o, :] = b[o] + Σ_r w[o, r] · cols[r, :] for w (m, depth), cols (depth, length), y (m, length): a product with a
    /// short sum (a first convolution layer: depth = C·kh·kw = 9), where a packed GEMM spends more on packing and on
    /// loading and storing its C tiles than on the few multiply-adds per element.
    /// </summary>
    /// <param name="w">The weights, row-major (m, depth).</param>
    /// <param name="bias">b (length m), or empty for none.</param>
    /// <param name="cols">The columns, row-major (depth, length).</param>
    /// <param name="y">The result (m, length), overwritten.</param>
    /// <param name="m">Rows of w and y.</param>
    /// <param name="depth">The length of the sum.</param>
    /// <param name="length">Columns of cols and y, at least 8.</param>
    public static void ShallowProduct(ReadOnlySpan<float> w, ReadOnlySpan<float> bias, ReadOnlySpan<float> cols, Span<float> y, int m, int depth, int length)
    {
        const int Lanes = 8;
        if (w.Length < m * depth || cols.Length < depth * length || y.Length < m * length || (!bias.IsEmpty && bias.Length < m) || length < Lanes)
        {
            ThrowLengths();
        }

        ref float wr = ref MemoryMarshal.GetReference(w);
        ref float cr = ref MemoryMarshal.GetReference(cols);
        ref float yr = ref MemoryMarshal.GetReference(y);
        for (int o = 0; o < m; o++)
        {
            Vector256<float> start = Vector256.Create(bias.IsEmpty ? 0f : bias[o]);
            ref float wo = ref Unsafe.Add(ref wr, o * depth);
            ref float yo = ref Unsafe.Add(ref yr, o * length);
            int j = 0;
            for (; j <= length - (4 * Lanes); j += 4 * Lanes)
            {
                Vector256<float> a0 = start, a1 = start, a2 = start, a3 = start;
                for (int r = 0; r < depth; r++)
                {
                    Vector256<float> wv = Vector256.Create(Unsafe.Add(ref wo, r));
                    ref float row = ref Unsafe.Add(ref cr, (r * length) + j);
                    a0 = Vector256.FusedMultiplyAdd(wv, Vector256.LoadUnsafe(ref row), a0);
                    a1 = Vector256.FusedMultiplyAdd(wv, Vector256.LoadUnsafe(ref row, Lanes), a1);
                    a2 = Vector256.FusedMultiplyAdd(wv, Vector256.LoadUnsafe(ref row, 2 * Lanes), a2);
                    a3 = Vector256.FusedMultiplyAdd(wv, Vector256.LoadUnsafe(ref row, 3 * Lanes), a3);
                }

                a0.StoreUnsafe(ref yo, (nuint)j);
                a1.StoreUnsafe(ref yo, (nuint)(j + Lanes));
                a2.StoreUnsafe(ref yo, (nuint)(j + (2 * Lanes)));
                a3.StoreUnsafe(ref yo, (nuint)(j + (3 * Lanes)));
            }

            // Remaining columns 8 at a time; the last group may overlap the previous one: it starts again from the bias,
            // so it recomputes exactly the same values there.
            while (j < length)
            {
                int at = Math.Min(j, length - Lanes);
                Vector256<float> a = start;
                for (int r = 0; r < depth; r++)
                {
                    a = Vector256.FusedMultiplyAdd(Vector256.Create(Unsafe.Add(ref wo, r)), Vector256.LoadUnsafe(ref cr, (nuint)((r * length) + at)), a);
                }

                a.StoreUnsafe(ref yo, (nuint)at);
                j = at + Lanes;
            }
        }
    }

    // Lanes i ≥ 8 − r of TailMask(r) are set: the r values of a vector loaded at k − 8 that the whole vectors did not cover.
    private static ReadOnlySpan<int> TailMasks => [0, 0, 0, 0, 0, 0, 0, 0, -1, -1, -1, -1, -1, -1, -1, -1];

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<float> TailMask(int remainder) =>
        Vector256.LoadUnsafe(ref MemoryMarshal.GetReference(TailMasks), (nuint)remainder).AsSingle();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static float Dot(ref float a, ref float b, int k)
    {
        if (Vector256.IsHardwareAccelerated && k >= Vector256<float>.Count)
        {
            // Whole vectors, then the remainder as one vector overlapping the last one with the repeated lanes masked off:
            // no serial chain of scalar multiply-adds.
            Vector256<float> acc = Vector256<float>.Zero;
            int p = 0;
            for (; p <= k - Vector256<float>.Count; p += Vector256<float>.Count)
            {
                acc = Vector256.FusedMultiplyAdd(Vector256.LoadUnsafe(ref a, (nuint)p), Vector256.LoadUnsafe(ref b, (nuint)p), acc);
            }

            if (p < k)
            {
                nuint last = (nuint)(k - Vector256<float>.Count);
                acc += (Vector256.LoadUnsafe(ref a, last) * Vector256.LoadUnsafe(ref b, last)) & TailMask(k - p);
            }

            return Vector256.Sum(acc);
        }

        float sum = 0f;
        for (int p = 0; p < k; p++)
        {
            sum = MathF.FusedMultiplyAdd(Unsafe.Add(ref a, p), Unsafe.Add(ref b, p), sum);
        }

        return sum;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Axpy(float alpha, ref float x, ref float y, int k)
    {
        if (Vector256.IsHardwareAccelerated && k >= Vector256<float>.Count)
        {
            Vector256<float> a = Vector256.Create(alpha);
            int p = 0;
            for (; p <= k - Vector256<float>.Count; p += Vector256<float>.Count)
            {
                Vector256.FusedMultiplyAdd(a, Vector256.LoadUnsafe(ref x, (nuint)p), Vector256.LoadUnsafe(ref y, (nuint)p)).StoreUnsafe(ref y, (nuint)p);
            }

            for (; p < k; p++)
            {
                Unsafe.Add(ref y, p) = MathF.FusedMultiplyAdd(alpha, Unsafe.Add(ref x, p), Unsafe.Add(ref y, p));
            }

            return;
        }

        for (int p = 0; p < k; p++)
        {
            Unsafe.Add(ref y, p) = MathF.FusedMultiplyAdd(alpha, Unsafe.Add(ref x, p), Unsafe.Add(ref y, p));
        }
    }

    private static void ThrowLengths() => throw new ArgumentException("A span is shorter than the matrix sizes need.");
}
