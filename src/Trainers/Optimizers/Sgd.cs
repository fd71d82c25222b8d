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

    /// <summary>Creates the optimizer with one group (Nesterov and dampening through <see cref="SgdOptions"/>).</summary>
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
    protected override void UpdateParameter(Parameter p, ParameterGroup group, int index)
    {
        float learningRate = group.LearningRate, weightDecay = group.WeightDecay;
        Span<float> w = p.Weights;
        if (_momentum == 0)
        {
            // θ ← θ − η(g + λθ) = θ(1 − ηλ) − ηg
            if (weightDecay != 0)
            {
                TensorPrimitives.Multiply(w, 1 - (learningRate * weightDecay), w);
            }

            TensorPrimitives.MultiplyAdd(p.Gradients, -learningRate, w, w);
            return;
        }

        float[]? buffer = _buffers[index];
        bool first = buffer is null;
        buffer ??= _buffers[index] = new float[w.Length];
        SgdKernel.Update(w, p.Gradients, buffer, first, learningRate, weightDecay, _momentum, _dampening, _nesterov);
    }

    private static IEnumerable<ParameterGroup> SingleGroup(IEnumerable<Parameter> parameters, SgdOptions options)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        return [new ParameterGroup("all", parameters, options.LearningRate, options.WeightDecay)];
    }
}
