using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace MLGradientInsight.Trainers.Optimizers;

/// <summary>One fused, single-pass Adadelta update (004 §3.5), Vector512/Vector256 with a scalar tail.</summary>
/// <remarks>Per element: d ← g + λθ; v ← ρv + (1 − ρ)d²; Δ ← √(u + ε)/√(v + ε)·d; u ← ρu + (1 − ρ)Δ²; θ ← θ − ηΔ.</remarks>
internal static class AdadeltaKernel
{
    /// <summary>Updates the weights and both running averages in place.</summary>
    public static void Update(Span<float> weights, ReadOnlySpan<float> gradients, Span<float> squareAverage, Span<float> deltaAverage, float learningRate, float weightDecay, float rho, float epsilon)
    {
        int n = weights.Length;
        if (gradients.Length != n || squareAverage.Length != n || deltaAverage.Length != n)
        {
            throw new ArgumentException($"Adadelta state lengths differ: weights {n}, gradients {gradients.Length}, v {squareAverage.Length}, u {deltaAverage.Length}.", nameof(gradients));
        }

        ref float w = ref MemoryMarshal.GetReference(weights);
        ref float g = ref MemoryMarshal.GetReference(gradients);
        ref float v0 = ref MemoryMarshal.GetReference(squareAverage);
        ref float u0 = ref MemoryMarshal.GetReference(deltaAverage);
        float mix = 1 - rho, rate = -learningRate;
        int i = 0;
        if (Vector512.IsHardwareAccelerated && n >= Vector512<float>.Count)
        {
            Vector512<float> lambda = Vector512.Create(weightDecay), keep = Vector512.Create(rho), mx = Vector512.Create(mix);
            Vector512<float> eps = Vector512.Create(epsilon), r = Vector512.Create(rate);
            for (; i <= n - Vector512<float>.Count; i += Vector512<float>.Count)
            {
                nuint at = (nuint)i;
                Vector512<float> wi = Vector512.LoadUnsafe(ref w, at);
                Vector512<float> di = Vector512.LoadUnsafe(ref g, at) + (lambda * wi);
                Vector512<float> vi = (Vector512.LoadUnsafe(ref v0, at) * keep) + (mx * di * di);
                vi.StoreUnsafe(ref v0, at);
                Vector512<float> ui = Vector512.LoadUnsafe(ref u0, at);
                Vector512<float> delta = Vector512.Sqrt(ui + eps) / Vector512.Sqrt(vi + eps) * di;
                ((ui * keep) + (mx * delta * delta)).StoreUnsafe(ref u0, at);
                (wi + (r * delta)).StoreUnsafe(ref w, at);
            }
        }
        else if (Vector256.IsHardwareAccelerated && n >= Vector256<float>.Count)
        {
            Vector256<float> lambda = Vector256.Create(weightDecay), keep = Vector256.Create(rho), mx = Vector256.Create(mix);
            Vector256<float> eps = Vector256.Create(epsilon), r = Vector256.Create(rate);
            for (; i <= n - Vector256<float>.Count; i += Vector256<float>.Count)
            {
                nuint at = (nuint)i;
                Vector256<float> wi = Vector256.LoadUnsafe(ref w, at);
                Vector256<float> di = Vector256.LoadUnsafe(ref g, at) + (lambda * wi);
                Vector256<float> vi = (Vector256.LoadUnsafe(ref v0, at) * keep) + (mx * di * di);
                vi.StoreUnsafe(ref v0, at);
                Vector256<float> ui = Vector256.LoadUnsafe(ref u0, at);
                Vector256<float> delta = Vector256.Sqrt(ui + eps) / Vector256.Sqrt(vi + eps) * di;
                ((ui * keep) + (mx * delta * delta)).StoreUnsafe(ref u0, at);
                (wi + (r * delta)).StoreUnsafe(ref w, at);
            }
        }

        for (; i < n; i++)
        {
            float wi = weights[i];
            float di = gradients[i] + (weightDecay * wi);
            float vi = (squareAverage[i] * rho) + (mix * di * di);
            squareAverage[i] = vi;
            float ui = deltaAverage[i];
            float delta = MathF.Sqrt(ui + epsilon) / MathF.Sqrt(vi + epsilon) * di;
            deltaAverage[i] = (ui * rho) + (mix * delta * delta);
            weights[i] = wi + (rate * delta);
        }
    }
}
