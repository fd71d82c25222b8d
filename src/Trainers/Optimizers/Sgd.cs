using System.Numerics.Tensors;

namespace MLGradientInsight.Trainers.Optimizers;

/// <summary>Stochastic gradient descent with optional momentum, dampening, Nesterov momentum and L2 weight decay (004 §3.1–3.2), as <c>torch.optim.SGD</c>.</summary>
/// <remarks>
/// Per parameter, with gradient g, group learning rate η and weight decay λ:
/// <code>
/// d ← g + λθ
/// if μ ≠ 0:  b ← d on the first step, else b ← μb + (1 − τ)d
///            d ← d + μb (Nesterov) or d ← b
/// θ ← θ − η·d
/// </code>
/// The gradients are not modified. Momentum buffers are allocated on the first step.
/// </remarks>
public sealed class Sgd : Optimizer
{
    private readonly float _momentum;
    private readonly float _dampening;
    private readonly bool _nesterov;
    private readonly float[]?[] _buffers;

    /// <summary>Creates plain SGD (no momentum) with one group.</summary>
    /// <param name="parameters">The parameters.</param>
    /// <param name="learningRate">η, ≥ 0.</param>
    /// <param name="momentum">μ, ≥ 0.</param>
    /// <param name="weightDecay">λ, ≥ 0.</param>
    /// <exception cref="ArgumentNullException"><paramref name="parameters"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A setting is out of range.</exception>
    public Sgd(IEnumerable<Parameter> parameters, float learningRate, float momentum = 0f, float weightDecay = 0f)
        : this(parameters, new SgdOptions { LearningRate = learningRate, Momentum = momentum, WeightDecay = weightDecay })
    {
    }

    /// <summary>Creates the optimizer with one group from options.</summary>
    /// <param name="parameters">The parameters.</param>
    /// <param name="options">The settings; their learning rate and weight decay go to the group.</param>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A setting is out of range.</exception>
    public Sgd(IEnumerable<Parameter> parameters, SgdOptions options)
        : this(SingleGroup(parameters, options), options)
    {
    }

    /// <summary>Creates the optimizer with parameter groups; each group's learning rate and weight decay apply to it.</summary>
    /// <param name="groups">The groups.</param>
    /// <param name="options">The other settings (momentum, dampening, Nesterov); null for the defaults. Its learning rate and weight decay are not used.</param>
    /// <exception cref="ArgumentNullException"><paramref name="groups"/> is null.</exception>
    /// <exception cref="ArgumentException">No group, or a parameter in two groups.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A setting is out of range.</exception>
    public Sgd(IEnumerable<ParameterGroup> groups, SgdOptions? options = null)
        : base(groups)
    {
        options ??= new SgdOptions();
        options.Validate();
        _momentum = options.Momentum;
        _dampening = options.Dampening;
        _nesterov = options.Nesterov;
        _buffers = new float[ParameterCount][];
    }

    /// <summary>Gets the momentum μ.</summary>
    public float Momentum => _momentum;

    /// <summary>Gets the dampening τ.</summary>
    public float Dampening => _dampening;

    /// <summary>Gets whether Nesterov momentum is used.</summary>
    public bool Nesterov => _nesterov;

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
                if (p.RequiresGradient)
                {
                    Update(p, g.LearningRate, g.WeightDecay, index);
                }
            }
        }
    }

    private void Update(Parameter p, float learningRate, float weightDecay, int index)
    {
        Span<float> w = p.Weights;
        ReadOnlySpan<float> d = p.Gradients;
        if (weightDecay != 0)
        {
            Span<float> decayed = Scratch(0, w.Length);
            TensorPrimitives.MultiplyAdd(w, weightDecay, d, decayed);
            d = decayed;
        }

        if (_momentum != 0)
        {
            float[]? buffer = _buffers[index];
            if (buffer is null)
            {
                buffer = _buffers[index] = d.ToArray();
            }
            else
            {
                // b ← μb + (1 − τ)d
                TensorPrimitives.Multiply(buffer, _momentum, buffer);
                TensorPrimitives.MultiplyAdd(d, 1 - _dampening, buffer, buffer);
            }

            if (_nesterov)
            {
                // θ ← θ − η(d + μb)
                TensorPrimitives.MultiplyAdd(buffer, -learningRate * _momentum, w, w);
            }
            else
            {
                d = buffer;
            }
        }

        TensorPrimitives.MultiplyAdd(d, -learningRate, w, w);
    }

    private static IEnumerable<ParameterGroup> SingleGroup(IEnumerable<Parameter> parameters, SgdOptions options)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        return [new ParameterGroup("all", parameters, options.LearningRate, options.WeightDecay)];
    }
}
