using System.Numerics.Tensors;

namespace MLGradientInsight.Trainers.Optimizers;

/// <summary>
/// "Gradient descent of slow learning" (001): each update the inner optimizer computes is not applied at once
/// but in equal parts over the next <see cref="Steps"/> steps, which smooths the training trajectory.
/// </summary>
/// <remarks>
/// <para>
/// At step t the inner optimizer runs as usual from the current weights θ, giving θ′; its update is
/// Δₜ = θ′ − θ. The weights are put back to θ and moved by the mean of the last k inner updates:
/// <code>
/// θ ← θ + (1/k)·(Δₜ + Δₜ₋₁ + … + Δₜ₋ₖ₊₁)      (Δ before the first step count as 0)
/// </code>
/// so every Δ is applied as k slices of Δ/k, the first at the step that produced it. The total moved after
/// step t is Σ Δ minus what is still pending, Σⱼ₌₀..ₖ₋₂ (k − 1 − j)/k · Δₜ₋ⱼ; k − 1 steps with zero inner update
/// (or <see cref="Flush"/>) apply the rest. With k = 1 the wrapper reproduces the inner optimizer.
/// </para>
/// <para>
/// The inner optimizer sees the smoothed weights (its gradients are those of θ, not of where it would
/// have been), and its state (momentum, Adam moments) evolves as usual. Learning rates are those of the
/// inner optimizer's groups, which this wrapper shares, so schedules and per-layer rates work unchanged.
/// </para>
/// <para>
/// Cost: the exact equal-slices schedule has to remember the last k updates, so memory is (k + 2)·n floats for
/// n weights (a ring of k updates, their running sum, and a copy of θ); an O(n)-memory scheme cannot give
/// equal slices (it could only give exponential smoothing). Time per step is O(n): the running sum is updated by
/// adding Δₜ and subtracting Δₜ₋ₖ, and recomputed from the ring every k steps so rounding cannot drift.
/// All buffers are allocated on the first step. Every parameter of the groups takes part, including ones with
/// <see cref="Parameter.RequiresGradient"/> off (their inner update is 0, but earlier slices still land).
/// </para>
/// </remarks>
public sealed class SlowLearning : Optimizer
{
    private readonly Optimizer _inner;
    private readonly int _steps;
    private readonly float[]?[] _before;
    private readonly float[]?[] _sums;
    private readonly float[]?[] _rings;
    private int _position;
    private int _filled;

    /// <summary>Wraps an optimizer.</summary>
    /// <param name="inner">The optimizer whose updates are spread out.</param>
    /// <param name="steps">k, the number of steps over which each update is applied, ≥ 1.</param>
    /// <exception cref="ArgumentNullException"><paramref name="inner"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="steps"/> &lt; 1.</exception>
    public SlowLearning(Optimizer inner, int steps)
        : base(GroupsOf(inner))
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(steps);
        _inner = inner;
        _steps = steps;
        _before = new float[ParameterCount][];
        _sums = new float[ParameterCount][];
        _rings = new float[ParameterCount][];
    }

    /// <summary>Gets the wrapped optimizer.</summary>
    public Optimizer Inner => _inner;

    /// <summary>Gets k, the number of steps over which each update is spread.</summary>
    public int Steps => _steps;

    /// <summary>Not used: <see cref="Step"/> runs the inner optimizer on all parameters at once.</summary>
    /// <param name="p">The parameter.</param>
    /// <param name="group">Its group.</param>
    /// <param name="index">Its index.</param>
    /// <exception cref="System.Diagnostics.UnreachableException">Always.</exception>
    protected override void UpdateParameter(Parameter p, ParameterGroup group, int index) => throw new System.Diagnostics.UnreachableException();

    /// <inheritdoc/>
    public override void Step()
    {
        StepCount++;
        int index = 0;
        IReadOnlyList<ParameterGroup> groups = Groups;
        for (int gi = 0; gi < groups.Count; gi++)
        {
            ParameterGroup g = groups[gi];
            IReadOnlyList<Parameter> parameters = g.Parameters;
            for (int i = 0; i < parameters.Count; i++, index++)
            {
                Parameter p = parameters[i];
                float[] before = _before[index] ??= new float[p.Length];
                p.Weights.CopyTo(before);
            }
        }

        _inner.Step();
        float share = 1f / _steps;
        index = 0;
        for (int gi = 0; gi < groups.Count; gi++)
        {
            ParameterGroup g = groups[gi];
            IReadOnlyList<Parameter> parameters = g.Parameters;
            for (int i = 0; i < parameters.Count; i++, index++)
            {
                Parameter p = parameters[i];
                int n = p.Length;
                Span<float> w = p.Weights;
                ReadOnlySpan<float> before = _before[index];
                Span<float> sum = _sums[index] ??= new float[n];
                Span<float> slot = (_rings[index] ??= new float[n * _steps]).AsSpan(_position * n, n);

                // S ← S − Δₜ₋ₖ + Δₜ; θ ← θ_before + S/k
                TensorPrimitives.Subtract(sum, slot, sum);
                TensorPrimitives.Subtract(w, before, slot);
                TensorPrimitives.Add(sum, slot, sum);
                TensorPrimitives.MultiplyAdd(sum, share, before, w);
            }
        }

        _filled = Math.Min(_filled + 1, _steps);
        _position = (_position + 1) % _steps;
        if (_position == 0)
        {
            Resum();
        }
    }

    /// <summary>
    /// Applies at once every slice still pending (Σⱼ (k − 1 − j)/k · Δₜ₋ⱼ), so the weights reach where the inner
    /// optimizer's updates add up to, and forgets the pending updates. Call it at the end of training.
    /// </summary>
    public void Flush()
    {
        int index = 0;
        IReadOnlyList<ParameterGroup> groups = Groups;
        for (int gi = 0; gi < groups.Count; gi++)
        {
            ParameterGroup g = groups[gi];
            IReadOnlyList<Parameter> parameters = g.Parameters;
            for (int i = 0; i < parameters.Count; i++, index++)
            {
                float[]? ring = _rings[index];
                if (ring is null)
                {
                    continue;
                }

                Span<float> w = parameters[i].Weights;
                int n = w.Length;
                for (int age = 0; age < _filled; age++)
                {
                    int slot = (((_position - 1 - age) % _steps) + _steps) % _steps;
                    TensorPrimitives.MultiplyAdd(ring.AsSpan(slot * n, n), (float)(_steps - 1 - age) / _steps, w, w);
                }

                Array.Clear(ring);
                Array.Clear(_sums[index]!);
            }
        }

        _position = 0;
        _filled = 0;
    }

    private void Resum()
    {
        for (int index = 0; index < _rings.Length; index++)
        {
            float[]? ring = _rings[index];
            if (ring is null)
            {
                continue;
            }

            Span<float> sum = _sums[index];
            int n = sum.Length;
            ring.AsSpan(0, n).CopyTo(sum);
            for (int slot = 1; slot < _steps; slot++)
            {
                TensorPrimitives.Add(sum, ring.AsSpan(slot * n, n), sum);
            }
        }
    }

    private static IReadOnlyList<ParameterGroup> GroupsOf(Optimizer inner)
    {
        ArgumentNullException.ThrowIfNull(inner);
        return inner.Groups;
    }
}
