using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace MLGradientInsight.Trainers.Layers;

/// <summary>
/// Unfolds image patches into columns (im2col) and folds column gradients back (col2im), the
/// lowering that turns a convolution into one matrix product.
/// </summary>
/// <remarks>
/// For one sample of shape (C, H, W) the column matrix has C·kh·kw rows and OH·OW columns:
/// row r = (c·kh + i)·kw + j, column l = oy·OW + ox holds x[c, oy·sh − ph + i, ox·sw − pw + j]
/// (zero outside the image). Rows are <c>ld</c> floats apart, so several samples can share one
/// matrix side by side (sample n at column offset n·OH·OW, ld = N·OH·OW).
/// </remarks>
internal static class Im2Col
{
    /// <summary>Output length of a convolution or pooling along one axis: ⌊(size + 2·padding − kernel) / stride⌋ + 1.</summary>
    /// <param name="size">The input length.</param>
    /// <param name="kernel">The window length.</param>
    /// <param name="stride">The step.</param>
    /// <param name="padding">The zero padding on each side.</param>
    /// <returns>The output length (≤ 0 when the window does not fit).</returns>
    internal static int OutputSize(int size, int kernel, int stride, int padding)
    {
        int span = size + (2 * padding) - kernel;
        return span < 0 ? 0 : (span / stride) + 1;
    }

    /// <summary>Writes the patches of one sample into the column matrix.</summary>
    /// <param name="image">One sample, (C, H, W).</param>
    /// <param name="geometry">The convolution geometry.</param>
    /// <param name="columns">The destination; row r starts at r·<paramref name="ld"/>.</param>
    /// <param name="ld">The row stride of <paramref name="columns"/>.</param>
    internal static void Unfold(ReadOnlySpan<float> image, in ConvGeometry geometry, Span<float> columns, int ld)
    {
        int h = geometry.Height, w = geometry.Width, oh = geometry.OutputHeight, ow = geometry.OutputWidth;
        int kh = geometry.KernelHeight, kw = geometry.KernelWidth;
        int sh = geometry.StrideHeight, sw = geometry.StrideWidth, ph = geometry.PaddingHeight, pw = geometry.PaddingWidth;
        int plane = oh * ow;
        if (sh == 1 && sw == 1 && ph == 0 && pw == 0)
        {
            UnfoldDense(image, geometry, columns, ld);
            return;
        }

        for (int c = 0; c < geometry.Channels; c++)
        {
            ReadOnlySpan<float> channel = image.Slice(c * h * w, h * w);
            for (int i = 0; i < kh; i++)
            {
                for (int j = 0; j < kw; j++)
                {
                    Span<float> row = columns.Slice((((c * kh) + i) * kw + j) * ld, plane);

                    // Output columns whose input column ox·sw − pw + j lies inside [0, w).
                    int oxStart = Math.Min(ow, CeilDiv(Math.Max(0, pw - j), sw));
                    int oxEnd = Math.Max(oxStart, Math.Min(ow, CeilDiv(w + pw - j, sw)));
                    for (int oy = 0; oy < oh; oy++)
                    {
                        Span<float> dst = row.Slice(oy * ow, ow);
                        int iy = (oy * sh) - ph + i;
                        if ((uint)iy >= (uint)h)
                        {
                            dst.Clear();
                            continue;
                        }

                        ReadOnlySpan<float> src = channel.Slice(iy * w, w);
                        dst[..oxStart].Clear();
                        dst[oxEnd..].Clear();
                        if (sw == 1)
                        {
                            ReadOnlySpan<float> from = src.Slice(oxStart - pw + j, oxEnd - oxStart);
                            Span<float> to = dst[oxStart..oxEnd];
                            CopyShort(ref MemoryMarshal.GetReference(from), ref MemoryMarshal.GetReference(to), to.Length);
                        }
                        else
                        {
                            for (int ox = oxStart; ox < oxEnd; ox++)
                            {
                                dst[ox] = src[(ox * sw) - pw + j];
                            }
                        }
                    }
                }
            }
        }
    }

    /// <summary>Adds the column gradients of one sample back onto its image gradient (the adjoint of <see cref="Unfold"/>).</summary>
    /// <param name="columns">The column gradients; row r starts at r·<paramref name="ld"/>.</param>
    /// <param name="ld">The row stride of <paramref name="columns"/>.</param>
    /// <param name="geometry">The convolution geometry.</param>
    /// <param name="image">The sample's gradient, (C, H, W); values are added, not overwritten.</param>
    internal static void FoldAdd(ReadOnlySpan<float> columns, int ld, in ConvGeometry geometry, Span<float> image)
    {
        int h = geometry.Height, w = geometry.Width, oh = geometry.OutputHeight, ow = geometry.OutputWidth;
        int kh = geometry.KernelHeight, kw = geometry.KernelWidth;
        int sh = geometry.StrideHeight, sw = geometry.StrideWidth, ph = geometry.PaddingHeight, pw = geometry.PaddingWidth;
        int plane = oh * ow;
        if (sh == 1 && sw == 1 && ph == 0 && pw == 0)
        {
            FoldAddDense(columns, ld, geometry, image);
            return;
        }

        for (int c = 0; c < geometry.Channels; c++)
        {
            Span<float> channel = image.Slice(c * h * w, h * w);
            for (int i = 0; i < kh; i++)
            {
                for (int j = 0; j < kw; j++)
                {
                    ReadOnlySpan<float> row = columns.Slice((((c * kh) + i) * kw + j) * ld, plane);
                    int oxStart = Math.Min(ow, CeilDiv(Math.Max(0, pw - j), sw));
                    int oxEnd = Math.Max(oxStart, Math.Min(ow, CeilDiv(w + pw - j, sw)));
                    if (oxEnd == oxStart)
                    {
                        continue;
                    }

                    for (int oy = 0; oy < oh; oy++)
                    {
                        int iy = (oy * sh) - ph + i;
                        if ((uint)iy >= (uint)h)
                        {
                            continue;
                        }

                        ReadOnlySpan<float> src = row.Slice(oy * ow, ow);
                        Span<float> dst = channel.Slice(iy * w, w);
                        if (sw == 1)
                        {
                            Span<float> target = dst.Slice(oxStart - pw + j, oxEnd - oxStart);
                            ReadOnlySpan<float> from = src[oxStart..oxEnd];
                            AddShort(ref MemoryMarshal.GetReference(from), ref MemoryMarshal.GetReference(target), target.Length);
                        }
                        else
                        {
                            for (int ox = oxStart; ox < oxEnd; ox++)
                            {
                                dst[(ox * sw) - pw + j] += src[ox];
                            }
                        }
                    }
                }
            }
        }
    }

    // Stride 1 and no padding (the LeNet-5 convolutions): every output row of a column row is one contiguous run of the
    // input, so the copies need no bounds arithmetic; one check of the span lengths up front covers every access.
    private static void UnfoldDense(ReadOnlySpan<float> image, in ConvGeometry geometry, Span<float> columns, int ld)
    {
        int h = geometry.Height, w = geometry.Width, oh = geometry.OutputHeight, ow = geometry.OutputWidth;
        int kh = geometry.KernelHeight, kw = geometry.KernelWidth, channels = geometry.Channels;
        int rows = channels * kh * kw;
        if (image.Length < channels * h * w || columns.Length < ((rows - 1) * ld) + (oh * ow) || oh + kh - 1 > h || ow + kw - 1 > w)
        {
            throw new ArgumentException("im2col buffers are shorter than the geometry needs.");
        }

        ref float x = ref MemoryMarshal.GetReference(image);
        ref float cols = ref MemoryMarshal.GetReference(columns);
        for (int c = 0, r = 0; c < channels; c++)
        {
            for (int i = 0; i < kh; i++)
            {
                for (int j = 0; j < kw; j++, r++)
                {
                    ref float src = ref Unsafe.Add(ref x, (c * h * w) + (i * w) + j);
                    ref float dst = ref Unsafe.Add(ref cols, r * ld);
                    for (int oy = 0; oy < oh; oy++)
                    {
                        CopyShort(ref Unsafe.Add(ref src, oy * w), ref Unsafe.Add(ref dst, oy * ow), ow);
                    }
                }
            }
        }
    }

    // The adjoint of UnfoldDense.
    private static void FoldAddDense(ReadOnlySpan<float> columns, int ld, in ConvGeometry geometry, Span<float> image)
    {
        int h = geometry.Height, w = geometry.Width, oh = geometry.OutputHeight, ow = geometry.OutputWidth;
        int kh = geometry.KernelHeight, kw = geometry.KernelWidth, channels = geometry.Channels;
        int rows = channels * kh * kw;
        if (image.Length < channels * h * w || columns.Length < ((rows - 1) * ld) + (oh * ow) || oh + kh - 1 > h || ow + kw - 1 > w)
        {
            throw new ArgumentException("col2im buffers are shorter than the geometry needs.");
        }

        ref float cols = ref MemoryMarshal.GetReference(columns);
        ref float x = ref MemoryMarshal.GetReference(image);
        for (int c = 0, r = 0; c < channels; c++)
        {
            for (int i = 0; i < kh; i++)
            {
                for (int j = 0; j < kw; j++, r++)
                {
                    ref float src = ref Unsafe.Add(ref cols, r * ld);
                    ref float dst = ref Unsafe.Add(ref x, (c * h * w) + (i * w) + j);
                    for (int oy = 0; oy < oh; oy++)
                    {
                        AddShort(ref Unsafe.Add(ref src, oy * ow), ref Unsafe.Add(ref dst, oy * w), ow);
                    }
                }
            }
        }
    }

    // Copies a short row (an output row of a small image: 13 or 30 values) with whole vectors; the last vector may overlap
    // the previous one, which rewrites the same values. Cheaper than Span.CopyTo's general path at these lengths.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void CopyShort(ref float src, ref float dst, int length)
    {
        if (Vector256.IsHardwareAccelerated && length >= Vector256<float>.Count)
        {
            int p = 0;
            for (; p <= length - Vector256<float>.Count; p += Vector256<float>.Count)
            {
                Vector256.LoadUnsafe(ref src, (nuint)p).StoreUnsafe(ref dst, (nuint)p);
            }

            if (p < length)
            {
                nuint last = (nuint)(length - Vector256<float>.Count);
                Vector256.LoadUnsafe(ref src, last).StoreUnsafe(ref dst, last);
            }

            return;
        }

        for (int p = 0; p < length; p++)
        {
            Unsafe.Add(ref dst, p) = Unsafe.Add(ref src, p);
        }
    }

    // dst[p] += src[p] over a short row: whole vectors, then a scalar tail (an overlapping vector would add twice).
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void AddShort(ref float src, ref float dst, int length)
    {
        int p = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            for (; p <= length - Vector256<float>.Count; p += Vector256<float>.Count)
            {
                (Vector256.LoadUnsafe(ref dst, (nuint)p) + Vector256.LoadUnsafe(ref src, (nuint)p)).StoreUnsafe(ref dst, (nuint)p);
            }
        }

        if (Vector128.IsHardwareAccelerated && p <= length - Vector128<float>.Count)
        {
            (Vector128.LoadUnsafe(ref dst, (nuint)p) + Vector128.LoadUnsafe(ref src, (nuint)p)).StoreUnsafe(ref dst, (nuint)p);
            p += Vector128<float>.Count;
        }

        for (; p < length; p++)
        {
            Unsafe.Add(ref dst, p) += Unsafe.Add(ref src, p);
        }
    }

    private static int CeilDiv(int a, int b) => a <= 0 ? 0 : (a + b - 1) / b;
}
