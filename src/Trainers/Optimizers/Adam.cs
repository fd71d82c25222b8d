namespace MLGradientInsight.Trainers.Optimizers;

/// <summary>Adam (Kingma &amp; Ba 2015; 004 §3.6), as <c>torch.optim.Adam</c>, with optional AMSGrad; weight decay is L2 (added to the gradient).</summary>
/// <remarks>
/// Per parameter, at its t-th step, with group rate η and decay λ (m, v, v̂ start at 0):
/// <code>
/// d ← g + λθ
/// m ← β₁m + (1 − β₁)d;  v ← β₂v + (1 − β₂)d²;  v̂ ← max(v̂, v) (AMSGrad) or v̂ = v
/// θ ← θ − η/(1 − β₁ᵗ) · m / (√v̂ / √(1 − β₂ᵗ) + ε)
/// </code>
/// One fused SIMD pass per parameter; no allocation after the first step.
/// </remarks>
public sealed class Adam : Optimizer
{
    private readonly AdamState _state;

    /// <summary>Creates the optimizer with one group.</summary>
    /// <param name="parameters">The parameters.</param>
    /// <param name="learningRate">η, ≥ 0.</param>
    /// <param name="weightDecay">λ (L2), ≥ 0.</param>
    /// <exception cref="ArgumentNullException"><paramref name="parameters"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A setting is out of range.</exception>
    public Adam(IEnumerable<Parameter> parameters, float learningRate = AdamOptions.DefaultLearningRate, float weightDecay = 0f)
        : this(parameters, new AdamOptions { LearningRate = learningRate, WeightDecay = weightDecay })
    {
    }

    /// <summary>Creates the optimizer with one group from options.</summary>
    /// <param name="parameters">The parameters.</param>
    /// <param name="options">The settings; their learning rate and weight decay go to the group.</param>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A setting is out of range.</exception>
    public Adam(IEnumerable<Parameter> parameters, AdamOptions options)
        : this(SingleGroup(parameters, options), options)
    {
    }

    /// <summary>Creates the optimizer with parameter groups; each group's learning rate and weight decay apply to it.</summary>
    /// <param name="groups">The groups.</param>
    /// <param name="options">The other settings; null for the defaults. Its learning rate and weight decay are not used.</param>
    /// <exception cref="ArgumentNullException"><paramref name="groups"/> is null.</exception>
    /// <exception cref="ArgumentException">No group, or a parameter in two groups.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A setting is out of range.</exception>
    public Adam(IEnumerable<ParameterGroup> groups, AdamOptions? options = null)
        : base(groups)
    {
        options ??= new AdamOptions();
        options.Validate();
        _state = new AdamState(ParameterCount, options.Beta1, options.Beta2, options.Epsilon, options.Amsgrad);
    }

    /// <inheritdoc/>
    protected override void UpdateParameter(Parameter p, ParameterGroup group, int index) =>
        _state.Update(p, group.LearningRate, group.WeightDecay, decoupled: false, index);

    private static IEnumerable<ParameterGroup> SingleGroup(IEnumerable<Parameter> parameters, AdamOptions options)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        return [new ParameterGroup("all", parameters, options.LearningRate, options.WeightDecay)];
    }
}
