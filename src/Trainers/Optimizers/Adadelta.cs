namespace MLGradientInsight.Trainers.Optimizers;

/// <summary>Adadelta (Zeiler 2012; 004 §3.5), as <c>torch.optim.Adadelta</c>.</summary>
/// <remarks>
/// Per parameter, with group rate η and decay λ (v and u start at 0):
/// <code>
/// d ← g + λθ
/// v ← ρv + (1 − ρ)d²
/// Δ ← √(u + ε) / √(v + ε) · d
/// u ← ρu + (1 − ρ)Δ²
/// θ ← θ − ηΔ
/// </code>
/// One fused SIMD pass per parameter; no allocation after the first step.
/// </remarks>
public sealed class Adadelta : Optimizer
{
    private readonly float _rho;
    private readonly float _epsilon;
    private readonly float[]?[] _squareAverages;
    private readonly float[]?[] _deltaAverages;

    /// <summary>Creates the optimizer with one group.</summary>
    /// <param name="parameters">The parameters.</param>
    /// <param name="learningRate">η, ≥ 0.</param>
    /// <param name="rho">ρ in [0, 1].</param>
    /// <param name="weightDecay">λ, ≥ 0.</param>
    /// <exception cref="ArgumentNullException"><paramref name="parameters"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A setting is out of range.</exception>
    public Adadelta(IEnumerable<Parameter> parameters, float learningRate = AdadeltaOptions.DefaultLearningRate, float rho = AdadeltaOptions.DefaultRho, float weightDecay = 0f)
        : this(parameters, new AdadeltaOptions { LearningRate = learningRate, Rho = rho, WeightDecay = weightDecay })
    {
    }

    /// <summary>Creates the optimizer with one group from options.</summary>
    /// <param name="parameters">The parameters.</param>
    /// <param name="options">The settings; their learning rate and weight decay go to the group.</param>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A setting is out of range.</exception>
    public Adadelta(IEnumerable<Parameter> parameters, AdadeltaOptions options)
        : this(SingleGroup(parameters, options), options)
    {
    }

    /// <summary>Creates the optimizer with parameter groups; each group's learning rate and weight decay apply to it.</summary>
    /// <param name="groups">The groups.</param>
    /// <param name="options">The other settings; null for the defaults. Its learning rate and weight decay are not used.</param>
    /// <exception cref="ArgumentNullException"><paramref name="groups"/> is null.</exception>
    /// <exception cref="ArgumentException">No group, or a parameter in two groups.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A setting is out of range.</exception>
    public Adadelta(IEnumerable<ParameterGroup> groups, AdadeltaOptions? options = null)
        : base(groups)
    {
        options ??= new AdadeltaOptions();
        options.Validate();
        _rho = options.Rho;
        _epsilon = options.Epsilon;
        _squareAverages = new float[ParameterCount][];
        _deltaAverages = new float[ParameterCount][];
    }

    /// <inheritdoc/>
    protected override void UpdateParameter(Parameter p, ParameterGroup group, int index)
    {
        float learningRate = group.LearningRate, weightDecay = group.WeightDecay;
        int n = p.Length;
        float[] v = _squareAverages[index] ??= new float[n];
        float[] u = _deltaAverages[index] ??= new float[n];
        AdadeltaKernel.Update(p.Weights, p.Gradients, v, u, learningRate, weightDecay, _rho, _epsilon);
    }

    private static IEnumerable<ParameterGroup> SingleGroup(IEnumerable<Parameter> parameters, AdadeltaOptions options)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        return [new ParameterGroup("all", parameters, options.LearningRate, options.WeightDecay)];
    }
}
