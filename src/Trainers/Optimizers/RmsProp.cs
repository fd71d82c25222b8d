namespace MLGradientInsight.Trainers.Optimizers;

/// <summary>RMSprop (004 §3.4), as <c>torch.optim.RMSprop</c>, with optional momentum and centring.</summary>
/// <remarks>
/// Per parameter, with group rate η and decay λ (all state starts at 0):
/// <code>
/// d ← g + λθ
/// v ← αv + (1 − α)d²
/// r ← √(v − a²) + ε   with a ← αa + (1 − α)d   (centred)
/// r ← √v + ε                                   (otherwise)
/// μ &gt; 0:  b ← μb + d/r;  θ ← θ − ηb
/// μ = 0:  θ ← θ − η·d/r
/// </code>
/// One fused SIMD pass per parameter; no allocation after the first step.
/// </remarks>
public sealed class RmsProp : Optimizer
{
    private readonly float _alpha;
    private readonly float _epsilon;
    private readonly float _momentum;
    private readonly bool _centered;
    private readonly float[]?[] _squareAverages;
    private readonly float[]?[] _gradientAverages;
    private readonly float[]?[] _buffers;

    /// <summary>Creates the optimizer with one group.</summary>
    /// <param name="parameters">The parameters.</param>
    /// <param name="learningRate">η, ≥ 0.</param>
    /// <param name="alpha">α in [0, 1].</param>
    /// <param name="momentum">μ, ≥ 0.</param>
    /// <param name="weightDecay">λ, ≥ 0.</param>
    /// <exception cref="ArgumentNullException"><paramref name="parameters"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A setting is out of range.</exception>
    public RmsProp(IEnumerable<Parameter> parameters, float learningRate = RmsPropOptions.DefaultLearningRate, float alpha = RmsPropOptions.DefaultAlpha, float momentum = 0f, float weightDecay = 0f)
        : this(parameters, new RmsPropOptions { LearningRate = learningRate, Alpha = alpha, Momentum = momentum, WeightDecay = weightDecay })
    {
    }

    /// <summary>Creates the optimizer with one group from options.</summary>
    /// <param name="parameters">The parameters.</param>
    /// <param name="options">The settings; their learning rate and weight decay go to the group.</param>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A setting is out of range.</exception>
    public RmsProp(IEnumerable<Parameter> parameters, RmsPropOptions options)
        : this(SingleGroup(parameters, options), options)
    {
    }

    /// <summary>Creates the optimizer with parameter groups; each group's learning rate and weight decay apply to it.</summary>
    /// <param name="groups">The groups.</param>
    /// <param name="options">The other settings; null for the defaults. Its learning rate and weight decay are not used.</param>
    /// <exception cref="ArgumentNullException"><paramref name="groups"/> is null.</exception>
    /// <exception cref="ArgumentException">No group, or a parameter in two groups.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A setting is out of range.</exception>
    public RmsProp(IEnumerable<ParameterGroup> groups, RmsPropOptions? options = null)
        : base(groups)
    {
        options ??= new RmsPropOptions();
        options.Validate();
        _alpha = options.Alpha;
        _epsilon = options.Epsilon;
        _momentum = options.Momentum;
        _centered = options.Centered;
        _squareAverages = new float[ParameterCount][];
        _gradientAverages = new float[ParameterCount][];
        _buffers = new float[ParameterCount][];
    }

    /// <inheritdoc/>
    protected override void UpdateParameter(Parameter p, ParameterGroup group, int index)
    {
        float learningRate = group.LearningRate, weightDecay = group.WeightDecay;
        int n = p.Length;
        float[] v = _squareAverages[index] ??= new float[n];
        Span<float> a = _centered ? (_gradientAverages[index] ??= new float[n]) : [];
        Span<float> b = _momentum > 0 ? (_buffers[index] ??= new float[n]) : [];
        RmsPropKernel.Update(p.Weights, p.Gradients, v, a, b, learningRate, weightDecay, _alpha, _epsilon, _momentum);
    }

    private static IEnumerable<ParameterGroup> SingleGroup(IEnumerable<Parameter> parameters, RmsPropOptions options)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        return [new ParameterGroup("all", parameters, options.LearningRate, options.WeightDecay)];
    }
}
