using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace MLGradientInsight.Trainers.Layers;

/// <summary>y = max(0, x); dy/dx = 1 for x &gt; 0 else 0 (PyTorch's convention at 0).</summary>
public sealed class ReLU : ElementwiseActivation
{
    /// <summary>Creates the activation.</summary>
    /// <param name="name">The layer name.</param>
    public ReLU(string name = "relu")
        : base(name)
    {
    }

    /// <inheritdoc/>
    protected override void Apply(ReadOnlySpan<float> x, Span<float> destination)
    {
        int n = x.Length;
        if (destination.Length < n)
        {
            throw new ArgumentException("The destination is shorter than the input.", nameof(destination));
        }

        // y = x ≤ 0 ? +0 : x — the same values as max(x, 0) (NaN stays NaN, −0 becomes +0, as torch.relu), as one
        // compare and mask per vector; measured about 2× faster than TensorPrimitives.Max on a conv1 activation of LeNet-5.
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

    /// <inheritdoc/>
    protected override void Derive(ReadOnlySpan<float> x, ReadOnlySpan<float> y, ReadOnlySpan<float> outputGradient, Span<float> destination)
    {
        int n = x.Length;
        if (outputGradient.Length < n || destination.Length < n)
        {
            throw new ArgumentException("The gradient spans are shorter than the input.", nameof(outputGradient));
        }

        ref float xr = ref MemoryMarshal.GetReference(x);
        ref float dyr = ref MemoryMarshal.GetReference(outputGradient);
        ref float dxr = ref MemoryMarshal.GetReference(destination);
        int i = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            // dx = dy where x > 0, else +0 (a NaN x compares false, as the scalar rule).
            for (; i <= n - Vector256<float>.Count; i += Vector256<float>.Count)
            {
                Vector256<float> mask = Vector256.GreaterThan(Vector256.LoadUnsafe(ref xr, (nuint)i), Vector256<float>.Zero);
                (mask & Vector256.LoadUnsafe(ref dyr, (nuint)i)).StoreUnsafe(ref dxr, (nuint)i);
            }
        }

        for (; i < n; i++)
        {
            Unsafe.Add(ref dxr, i) = Unsafe.Add(ref xr, i) > 0f ? Unsafe.Add(ref dyr, i) : 0f;
        }
    }
}
