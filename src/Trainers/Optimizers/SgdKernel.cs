using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace MLGradientInsight.Trainers.Optimizers;

/// <summary>One fused, single-pass SGD-with-momentum update (004 §3.2), Vector512/Vector256 with a scalar tail.</summary>
/// <remarks>
/// Per element, in PyTorch 1.13's order of operations:
/// <code>
/// d ← g + λθ
/// b ← d (first step) or μb + (1 − τ)d
/// θ ← θ − η·(d + μb) (Nesterov) or θ − η·b
/// </code>
/// </remarks>
internal static class SgdKernel
{
    /// <summary>Updates <paramref name="weights"/> and <paramref name="buffer"/> in place.</summary>
    public static void Update(Span<float> weights, ReadOnlySpan<float> gradients, Span<float> buffer, bool first, float learningRate, float weightDecay, float momentum, float dampening, bool nesterov)
    {
        int n = weights.Length;
        if (gradients.Length != n || buffer.Length != n)
        {
            throw new ArgumentException($"SGD state lengths differ: weights {n}, gradients {gradients.Length}, buffer {buffer.Length}.", nameof(gradients));
        }

        ref float w = ref MemoryMarshal.GetReference(weights);
        ref float g = ref MemoryMarshal.GetReference(gradients);
        ref float b = ref MemoryMarshal.GetReference(buffer);

        // First step: b ← d, i.e. b ← 0·b + 1·d; otherwise b ← μb + (1 − τ)d.
        float keep = first ? 0f : momentum, mix = first ? 1f : 1 - dampening;
        float negativeRate = -learningRate;
        int i = 0;
        if (Vector512.IsHardwareAccelerated && n >= Vector512<float>.Count)
        {
            Vector512<float> lambda = Vector512.Create(weightDecay), k = Vector512.Create(keep), x = Vector512.Create(mix);
            Vector512<float> mu = Vector512.Create(momentum), rate = Vector512.Create(negativeRate);
            for (; i <= n - Vector512<float>.Count; i += Vector512<float>.Count)
            {
                nuint at = (nuint)i;
                Vector512<float> wi = Vector512.LoadUnsafe(ref w, at);
                Vector512<float> di = Vector512.LoadUnsafe(ref g, at) + (lambda * wi);
                Vector512<float> bi = first ? di : (Vector512.LoadUnsafe(ref b, at) * k) + (x * di);
                bi.StoreUnsafe(ref b, at);
                Vector512<float> step = nesterov ? di + (mu * bi) : bi;
                (wi + (rate * step)).StoreUnsafe(ref w, at);
            }
        }
        else if (Vector256.IsHardwareAccelerated && n >= Vector256<float>.Count)
        {
            Vector256<float> lambda = Vector256.Create(weightDecay), k = Vector256.Create(keep), x = Vector256.Create(mix);
            Vector256<float> mu = Vector256.Create(momentum), rate = Vector256.Create(negativeRate);
            for (; i <= n - Vector256<float>.Count; i += Vector256<float>.Count)
            {
                nuint at = (nuint)i;
                Vector256<float> wi = Vector256.LoadUnsafe(ref w, at);
                Vector256<float> di = Vector256.LoadUnsafe(ref g, at) + (lambda * wi);
                Vector256<float> bi = first ? di : (Vector256.LoadUnsafe(ref b, at) * k) + (x * di);
                bi.StoreUnsafe(ref b, at);
                Vector256<float> step = nesterov ? di + (mu * bi) : bi;
                (wi + (rate * step)).StoreUnsafe(ref w, at);
            }
        }

        for (; i < n; i++)
        {
            Scalar(ref Unsafe.Add(ref w, i), Unsafe.Add(ref g, i), ref Unsafe.Add(ref b, i), first, weightDecay, keep, mix, nesterov, momentum, negativeRate);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Scalar(ref float weight, float gradient, ref float buffer, bool first, float weightDecay, float keep, float mix, bool nesterov, float momentum, float negativeRate)
    {
        float d = gradient + (weightDecay * weight);
        float b = first ? d : (buffer * keep) + (mix * d);
        buffer = b;
        weight += negativeRate * (nesterov ? d + (momentum * b) : b);
    }
}
