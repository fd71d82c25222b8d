using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace MLGradientInsight.Trainers.Layers;

/// <summary>
/// The ReLU passes shared by the <see cref="ReLU"/> layer and by <see cref="Conv2d"/> / <see cref="Linear"/> built with
/// <c>fuseReLU</c> (which apply them to a slice still in cache), so fused and separate ReLU give identical values.
/// </summary>
/// <remarks>
/// Forward: y = x ≤ 0 ? +0 : x (NaN stays NaN, −0 becomes +0), exactly as <see cref="ReLU"/>. Backward: dx = y &gt; 0 ? dy : +0,
/// with y the layer's own (activated) output; y &gt; 0 exactly when x &gt; 0 (a NaN compares false in both), so this is
/// <see cref="ReLU"/>'s rule on the pre-activation.
/// </remarks>
internal static class ReLUKernel
{
    /// <summary>destination[i] = x[i] ≤ 0 ? +0 : x[i] — max(0, x) with NaN kept and −0 → +0 (torch.relu); x and destination may be the same span.</summary>
    /// <param name="x">The input.</param>
    /// <param name="destination">The output, at least as long as <paramref name="x"/>.</param>
    /// <exception cref="ArgumentException">The destination is shorter than the input.</exception>
    public static void Apply(ReadOnlySpan<float> x, Span<float> destination)
    {
        int n = x.Length;
        if (destination.Length < n)
        {
            throw new ArgumentException("The destination is shorter than the input.", nameof(destination));
        }

        // One compare and mask per vector; measured about 2× faster than TensorPrimitives.Max on a LeNet-5 conv1 activation.
        ref float xr = ref MemoryMarshal.GetReference(x);
        ref float yr = ref MemoryMarshal.GetReference(destination);
        int i = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            for (; i <= n - Vector256<float>.Count; i += Vector256<float>.Count)
            {
                Vector256<float> v = Vector256.LoadUnsafe(ref xr, (nuint)i);
                Vector256.AndNot(v, Vector256.LessThanOrEqual(v, Vector256<float>.Zero)).StoreUnsafe(ref yr, (nuint)i);
            }
        }

        for (; i < n; i++)
        {
            float v = Unsafe.Add(ref xr, i);
            Unsafe.Add(ref yr, i) = v <= 0f ? 0f : v;
        }
    }

    /// <summary>Applies the ReLU in place.</summary>
    /// <param name="values">The values.</param>
    public static void ApplyInPlace(Span<float> values) => Apply(values, values);

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
