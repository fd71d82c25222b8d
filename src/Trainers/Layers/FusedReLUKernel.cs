using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace MLGradientInsight.Trainers.Layers;

/// <summary>
/// The ReLU that <see cref="Conv2d"/> and <see cref="Linear"/> apply in their own passes when built with <c>fuseReLU</c>:
/// the same values as a separate <see cref="ReLU"/> layer, computed on a slice still in cache.
/// </summary>
/// <remarks>
/// Forward: y = x ≤ 0 ? +0 : x (NaN stays NaN, −0 becomes +0), exactly as <see cref="ReLU"/>. Backward: dx = y &gt; 0 ? dy : +0,
/// with y the layer's own (activated) output; y &gt; 0 exactly when x &gt; 0 (a NaN compares false in both), so this is
/// <see cref="ReLU"/>'s rule on the pre-activation.
/// </remarks>
internal static class FusedReLUKernel
{
    /// <summary>Replaces every value v by max(0, v) in place (NaN kept, −0 → +0).</summary>
    /// <param name="values">The values.</param>
    public static void ApplyInPlace(Span<float> values)
    {
        int n = values.Length;
        ref float yr = ref MemoryMarshal.GetReference(values);
        int i = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            for (; i <= n - Vector256<float>.Count; i += Vector256<float>.Count)
            {
                Vector256<float> v = Vector256.LoadUnsafe(ref yr, (nuint)i);
                Vector256.AndNot(v, Vector256.LessThanOrEqual(v, Vector256<float>.Zero)).StoreUnsafe(ref yr, (nuint)i);
            }
        }

        for (; i < n; i++)
        {
            float v = Unsafe.Add(ref yr, i);
            Unsafe.Add(ref yr, i) = v <= 0f ? 0f : v;
        }
    }

    /// <summary>destination = output &gt; 0 ? gradient : +0, element-wise.</summary>
    /// <param name="output">The activated output y.</param>
    /// <param name="gradient">dL/dy.</param>
    /// <param name="destination">dL/d(pre-activation); may not overlap the other spans except by being <paramref name="gradient"/> itself.</param>
    /// <exception cref="ArgumentException">The spans differ in length.</exception>
    public static void Mask(ReadOnlySpan<float> output, ReadOnlySpan<float> gradient, Span<float> destination)
    {
        int n = output.Length;
        if (gradient.Length != n || destination.Length != n)
        {
            throw new ArgumentException($"The output ({n}), gradient ({gradient.Length}) and destination ({destination.Length}) lengths differ.", nameof(destination));
        }

        ref float yr = ref MemoryMarshal.GetReference(output);
        ref float dyr = ref MemoryMarshal.GetReference(gradient);
        ref float dxr = ref MemoryMarshal.GetReference(destination);
        int i = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            for (; i <= n - Vector256<float>.Count; i += Vector256<float>.Count)
            {
                Vector256<float> mask = Vector256.GreaterThan(Vector256.LoadUnsafe(ref yr, (nuint)i), Vector256<float>.Zero);
                (mask & Vector256.LoadUnsafe(ref dyr, (nuint)i)).StoreUnsafe(ref dxr, (nuint)i);
            }
        }

        for (; i < n; i++)
        {
            Unsafe.Add(ref dxr, i) = Unsafe.Add(ref yr, i) > 0f ? Unsafe.Add(ref dyr, i) : 0f;
        }
    }
}
