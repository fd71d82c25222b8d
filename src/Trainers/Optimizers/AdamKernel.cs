using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace MLGradientInsight.Trainers.Optimizers;

/// <summary>The per-step constants of one Adam/AdamW update of one parameter.</summary>
/// <param name="Decay">Multiplier applied to θ first: 1 − η·λ for AdamW, 1 for Adam.</param>
/// <param name="L2">λ added as λθ to the gradient (Adam), 0 for AdamW.</param>
/// <param name="Beta1">β₁.</param>
/// <param name="Beta2">β₂.</param>
/// <param name="StepSize">η / (1 − β₁ᵗ).</param>
/// <param name="Bias2Sqrt">√(1 − β₂ᵗ).</param>
/// <param name="Epsilon">ε.</param>
internal readonly record struct AdamCoefficients(float Decay, float L2, float Beta1, float Beta2, float StepSize, float Bias2Sqrt, float Epsilon);

/// <summary>One fused, single-pass Adam/AdamW update (004 §3.6), Vector512/Vector256 with a scalar tail.</summary>
/// <remarks>
/// Per element, in PyTorch 1.13's order of operations:
/// <code>
/// θ ← θ·decay;  g ← g + L2·θ
/// m ← β₁m + (1 − β₁)g;  v ← β₂v + (1 − β₂)g²;  v̂ ← max(v̂, v) (AMSGrad; else v̂ = v)
/// θ ← θ − stepSize · m / (√v̂ / √(1 − β₂ᵗ) + ε)
/// </code>
/// </remarks>
internal static class AdamKernel
{
    /// <summary>Updates <paramref name="weights"/>, <paramref name="m"/>, <paramref name="v"/> (and <paramref name="vMax"/> unless empty) in place.</summary>
    public static void Update(Span<float> weights, ReadOnlySpan<float> gradients, Span<float> m, Span<float> v, Span<float> vMax, in AdamCoefficients c)
    {
        int n = weights.Length;
        if (gradients.Length != n || m.Length != n || v.Length != n || (!vMax.IsEmpty && vMax.Length != n))
        {
            throw new ArgumentException($"Adam state lengths differ: weights {n}, gradients {gradients.Length}, m {m.Length}, v {v.Length}, vMax {vMax.Length}.", nameof(gradients));
        }

        bool amsgrad = !vMax.IsEmpty;
        ref float w = ref MemoryMarshal.GetReference(weights);
        ref float g = ref MemoryMarshal.GetReference(gradients);
        ref float m0 = ref MemoryMarshal.GetReference(m);
        ref float v0 = ref MemoryMarshal.GetReference(v);
        ref float x0 = ref MemoryMarshal.GetReference(vMax);
        float mix1 = 1 - c.Beta1, mix2 = 1 - c.Beta2;
        int i = 0;
        if (Vector512.IsHardwareAccelerated && n >= Vector512<float>.Count)
        {
            Vector512<float> decay = Vector512.Create(c.Decay), l2 = Vector512.Create(c.L2);
            Vector512<float> b1 = Vector512.Create(c.Beta1), b2 = Vector512.Create(c.Beta2);
            Vector512<float> k1 = Vector512.Create(mix1), k2 = Vector512.Create(mix2);
            Vector512<float> step = Vector512.Create(c.StepSize), bias2 = Vector512.Create(c.Bias2Sqrt), eps = Vector512.Create(c.Epsilon);
            for (; i <= n - Vector512<float>.Count; i += Vector512<float>.Count)
            {
                nuint at = (nuint)i;
                Vector512<float> wi = Vector512.LoadUnsafe(ref w, at) * decay;
                Vector512<float> gi = Vector512.LoadUnsafe(ref g, at) + (l2 * wi);
                Vector512<float> mi = (Vector512.LoadUnsafe(ref m0, at) * b1) + (gi * k1);
                Vector512<float> vi = (Vector512.LoadUnsafe(ref v0, at) * b2) + (k2 * gi * gi);
                mi.StoreUnsafe(ref m0, at);
                vi.StoreUnsafe(ref v0, at);
                if (amsgrad)
                {
                    vi = Vector512.Max(Vector512.LoadUnsafe(ref x0, at), vi);
                    vi.StoreUnsafe(ref x0, at);
                }

                Vector512<float> denominator = (Vector512.Sqrt(vi) / bias2) + eps;
                (wi - (step * (mi / denominator))).StoreUnsafe(ref w, at);
            }
        }
        else if (Vector256.IsHardwareAccelerated && n >= Vector256<float>.Count)
        {
            Vector256<float> decay = Vector256.Create(c.Decay), l2 = Vector256.Create(c.L2);
            Vector256<float> b1 = Vector256.Create(c.Beta1), b2 = Vector256.Create(c.Beta2);
            Vector256<float> k1 = Vector256.Create(mix1), k2 = Vector256.Create(mix2);
            Vector256<float> step = Vector256.Create(c.StepSize), bias2 = Vector256.Create(c.Bias2Sqrt), eps = Vector256.Create(c.Epsilon);
            for (; i <= n - Vector256<float>.Count; i += Vector256<float>.Count)
            {
                nuint at = (nuint)i;
                Vector256<float> wi = Vector256.LoadUnsafe(ref w, at) * decay;
                Vector256<float> gi = Vector256.LoadUnsafe(ref g, at) + (l2 * wi);
                Vector256<float> mi = (Vector256.LoadUnsafe(ref m0, at) * b1) + (gi * k1);
                Vector256<float> vi = (Vector256.LoadUnsafe(ref v0, at) * b2) + (k2 * gi * gi);
                mi.StoreUnsafe(ref m0, at);
                vi.StoreUnsafe(ref v0, at);
                if (amsgrad)
                {
                    vi = Vector256.Max(Vector256.LoadUnsafe(ref x0, at), vi);
                    vi.StoreUnsafe(ref x0, at);
                }

                Vector256<float> denominator = (Vector256.Sqrt(vi) / bias2) + eps;
                (wi - (step * (mi / denominator))).StoreUnsafe(ref w, at);
            }
        }

        for (; i < n; i++)
        {
            Scalar(ref Unsafe.Add(ref w, i), Unsafe.Add(ref g, i), ref Unsafe.Add(ref m0, i), ref Unsafe.Add(ref v0, i), amsgrad, ref Unsafe.Add(ref x0, i), c, mix1, mix2);
        }
    }

    /// <summary>The scalar reference of <see cref="Update"/> (also its tail).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Scalar(ref float weight, float gradient, ref float m, ref float v, bool amsgrad, ref float vMax, in AdamCoefficients c, float mix1, float mix2)
    {
        float wi = weight * c.Decay;
        float gi = gradient + (c.L2 * wi);
        float mi = (m * c.Beta1) + (gi * mix1);
        float vi = (v * c.Beta2) + (mix2 * gi * gi);
        m = mi;
        v = vi;
        if (amsgrad)
        {
            vi = MathF.Max(vMax, vi);
            vMax = vi;
        }

        float denominator = (MathF.Sqrt(vi) / c.Bias2Sqrt) + c.Epsilon;
        weight = wi - (c.StepSize * (mi / denominator));
    }
}
