using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace MLGradientInsight.Trainers.Optimizers;

/// <summary>One fused, single-pass Adagrad update (004 §3.3), Vector512/Vector256 with a scalar tail.</summary>
/// <remarks>Per element: d ← g + λθ; s ← s + d²; θ ← θ − clr·d/(√s + ε), clr = η/(1 + (t − 1)δ) computed by the caller.</remarks>
internal static class AdagradKernel
{
    /// <summary>Updates the weights and the squared-gradient sums in place.</summary>
    public static void Update(Span<float> weights, ReadOnlySpan<float> gradients, Span<float> sum, float stepSize, float weightDecay, float epsilon)
    {
        int n = weights.Length;
        if (gradients.Length != n || sum.Length != n)
        {
            throw new ArgumentException($"Adagrad state lengths differ: weights {n}, gradients {gradients.Length}, sum {sum.Length}.", nameof(gradients));
        }

        ref float w = ref MemoryMarshal.GetReference(weights);
        ref float g = ref MemoryMarshal.GetReference(gradients);
        ref float s0 = ref MemoryMarshal.GetReference(sum);
        float rate = -stepSize;
        int i = 0;
        if (Vector512.IsHardwareAccelerated && n >= Vector512<float>.Count)
        {
            Vector512<float> lambda = Vector512.Create(weightDecay), eps = Vector512.Create(epsilon), r = Vector512.Create(rate);
            for (; i <= n - Vector512<float>.Count; i += Vector512<float>.Count)
            {
                nuint at = (nuint)i;
                Vector512<float> wi = Vector512.LoadUnsafe(ref w, at);
                Vector512<float> di = Vector512.LoadUnsafe(ref g, at) + (lambda * wi);
                Vector512<float> si = Vector512.LoadUnsafe(ref s0, at) + (di * di);
                si.StoreUnsafe(ref s0, at);
                (wi + (r * (di / (Vector512.Sqrt(si) + eps)))).StoreUnsafe(ref w, at);
            }
        }
        else if (Vector256.IsHardwareAccelerated && n >= Vector256<float>.Count)
        {
            Vector256<float> lambda = Vector256.Create(weightDecay), eps = Vector256.Create(epsilon), r = Vector256.Create(rate);
            for (; i <= n - Vector256<float>.Count; i += Vector256<float>.Count)
            {
                nuint at = (nuint)i;
                Vector256<float> wi = Vector256.LoadUnsafe(ref w, at);
                Vector256<float> di = Vector256.LoadUnsafe(ref g, at) + (lambda * wi);
                Vector256<float> si = Vector256.LoadUnsafe(ref s0, at) + (di * di);
                si.StoreUnsafe(ref s0, at);
                (wi + (r * (di / (Vector256.Sqrt(si) + eps)))).StoreUnsafe(ref w, at);
            }
        }

        for (; i < n; i++)
        {
            float wi = weights[i];
            float di = gradients[i] + (weightDecay * wi);
            float si = sum[i] + (di * di);
            sum[i] = si;
            weights[i] = wi + (rate * (di / (MathF.Sqrt(si) + epsilon)));
        }
    }
}
