using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace MLGradientInsight.Trainers.Optimizers;

/// <summary>One fused, single-pass RMSprop update (004 §3.4), Vector512/Vector256 with a scalar tail.</summary>
/// <remarks>
/// Per element, in PyTorch 1.13's order of operations:
/// <code>
/// d ← g + λθ;  v ← αv + (1 − α)d²
/// r ← √(v − a²) + ε with a ← αa + (1 − α)d (centred), else √v + ε
/// b ← μb + d/r; θ ← θ − ηb (momentum), else θ ← θ − η·d/r
/// </code>
/// </remarks>
internal static class RmsPropKernel
{
    /// <summary>Updates the weights and state in place; <paramref name="average"/> is empty unless centred, <paramref name="buffer"/> empty unless with momentum.</summary>
    public static void Update(Span<float> weights, ReadOnlySpan<float> gradients, Span<float> squareAverage, Span<float> average, Span<float> buffer, float learningRate, float weightDecay, float alpha, float epsilon, float momentum)
    {
        int n = weights.Length;
        bool centered = !average.IsEmpty, useMomentum = !buffer.IsEmpty;
        if (gradients.Length != n || squareAverage.Length != n || (centered && average.Length != n) || (useMomentum && buffer.Length != n))
        {
            throw new ArgumentException($"RMSprop state lengths differ: weights {n}, gradients {gradients.Length}, v {squareAverage.Length}, a {average.Length}, b {buffer.Length}.", nameof(gradients));
        }

        ref float w = ref MemoryMarshal.GetReference(weights);
        ref float g = ref MemoryMarshal.GetReference(gradients);
        ref float v0 = ref MemoryMarshal.GetReference(squareAverage);
        ref float a0 = ref MemoryMarshal.GetReference(average);
        ref float b0 = ref MemoryMarshal.GetReference(buffer);
        float mix = 1 - alpha, rate = -learningRate;
        int i = 0;
        if (Vector512.IsHardwareAccelerated && n >= Vector512<float>.Count)
        {
            Vector512<float> lambda = Vector512.Create(weightDecay), al = Vector512.Create(alpha), mx = Vector512.Create(mix);
            Vector512<float> eps = Vector512.Create(epsilon), mu = Vector512.Create(momentum), r = Vector512.Create(rate);
            for (; i <= n - Vector512<float>.Count; i += Vector512<float>.Count)
            {
                nuint at = (nuint)i;
                Vector512<float> wi = Vector512.LoadUnsafe(ref w, at);
                Vector512<float> di = Vector512.LoadUnsafe(ref g, at) + (lambda * wi);
                Vector512<float> vi = (Vector512.LoadUnsafe(ref v0, at) * al) + (mx * di * di);
                vi.StoreUnsafe(ref v0, at);
                Vector512<float> root;
                if (centered)
                {
                    Vector512<float> ai = (Vector512.LoadUnsafe(ref a0, at) * al) + (di * mx);
                    ai.StoreUnsafe(ref a0, at);
                    root = Vector512.Sqrt(vi - (ai * ai)) + eps;
                }
                else
                {
                    root = Vector512.Sqrt(vi) + eps;
                }

                Vector512<float> step = di / root;
                if (useMomentum)
                {
                    step = (Vector512.LoadUnsafe(ref b0, at) * mu) + step;
                    step.StoreUnsafe(ref b0, at);
                }

                (wi + (r * step)).StoreUnsafe(ref w, at);
            }
        }
        else if (Vector256.IsHardwareAccelerated && n >= Vector256<float>.Count)
        {
            Vector256<float> lambda = Vector256.Create(weightDecay), al = Vector256.Create(alpha), mx = Vector256.Create(mix);
            Vector256<float> eps = Vector256.Create(epsilon), mu = Vector256.Create(momentum), r = Vector256.Create(rate);
            for (; i <= n - Vector256<float>.Count; i += Vector256<float>.Count)
            {
                nuint at = (nuint)i;
                Vector256<float> wi = Vector256.LoadUnsafe(ref w, at);
                Vector256<float> di = Vector256.LoadUnsafe(ref g, at) + (lambda * wi);
                Vector256<float> vi = (Vector256.LoadUnsafe(ref v0, at) * al) + (mx * di * di);
                vi.StoreUnsafe(ref v0, at);
                Vector256<float> root;
                if (centered)
                {
                    Vector256<float> ai = (Vector256.LoadUnsafe(ref a0, at) * al) + (di * mx);
                    ai.StoreUnsafe(ref a0, at);
                    root = Vector256.Sqrt(vi - (ai * ai)) + eps;
                }
                else
                {
                    root = Vector256.Sqrt(vi) + eps;
                }

                Vector256<float> step = di / root;
                if (useMomentum)
                {
                    step = (Vector256.LoadUnsafe(ref b0, at) * mu) + step;
                    step.StoreUnsafe(ref b0, at);
                }

                (wi + (r * step)).StoreUnsafe(ref w, at);
            }
        }

        for (; i < n; i++)
        {
            float wi = Unsafe.Add(ref w, i);
            float di = Unsafe.Add(ref g, i) + (weightDecay * wi);
            ref float vi = ref Unsafe.Add(ref v0, i);
            vi = (vi * alpha) + (mix * di * di);
            float root;
            if (centered)
            {
                ref float ai = ref Unsafe.Add(ref a0, i);
                ai = (ai * alpha) + (di * mix);
                root = MathF.Sqrt(vi - (ai * ai)) + epsilon;
            }
            else
            {
                root = MathF.Sqrt(vi) + epsilon;
            }

            float step = di / root;
            if (useMomentum)
            {
                ref float bi = ref Unsafe.Add(ref b0, i);
                bi = (bi * momentum) + step;
                step = bi;
            }

            Unsafe.Add(ref w, i) = wi + (rate * step);
        }
    }
}
