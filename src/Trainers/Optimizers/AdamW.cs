namespace MLGradientInsight.Trainers.Optimizers;

/// <summary>AdamW (Loshchilov &amp; Hutter 2019), as <c>torch.optim.AdamW</c>: Adam with weight decay decoupled from the gradient.</summary>
/// <remarks>
/// Per parameter, at its t-th step, with group rate η and decay λ (m, v, v̂ start at 0):
/// <code>
/// θ ← θ(1 − ηλ);  d ← g
/// m ← β₁m + (1 − β₁)d;  v ← β₂v + (1 − β₂)d²;  v̂ ← max(v̂, v) (AMSGrad) or v̂ = v
/// θ ← θ − η/(1 − β₁ᵗ) · m / (√v̂ / √(1 − β₂ᵗ) + ε)
/// </code>
/// One fused SIMD pass per parameter; no allocation after the first step.
/// </remarks>
public sealed class AdamW : Optimizer
{
    private readonly AdamState _state;

    /// <summary>Creates the optimizer with one group.</summary>
    /// <param name="parameters">The parameters.</param>
    /// <param name="learningRate">η, ≥ 0.</param>
    /// <param name="weightDecay">λ (decoupled), ≥ 0.</param>
    /// <exception cref="ArgumentNullException"><paramref name="parameters"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A setting is out of range.</exception>
    public AdamW(IEnumerable<Parameter> parameters, float learningRate = AdamWOptions.DefaultLearningRate, float weightDecay = AdamWOptions.DefaultWeightDecay)
        : this(parameters, new AdamWOptions { LearningRate = learningRate, WeightDecay = weightDecay })
    {
    }

    /// <summary>Creates the optimizer with one group from options.</summary>
    /// <param name="parameters">The parameters.</param>
    /// <param name="options">The settings; their learning rate and weight decay go to the group.</param>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A setting is out of range.</exception>
    public AdamW(IEnumerable<Parameter> parameters, AdamWOptions options)
        : this(SingleGroup(parameters, options), options)
    {
    }

    /// <summary>Creates the optimizer with parameter groups; each group's learning rate and weight decay apply to it.</summary>
    /// <param name="groups">The groups.</param>
    /// <param name="options">The other settings; null for the defaults. Its learning rate and weight decay are not used.</param>
    /// <exception cref="ArgumentNullException"><paramref name="groups"/> is null.</exception>
    /// <exception cref="ArgumentException">No group, or a parameter in two groups.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A setting is out of range.</exception>
    public AdamW(IEnumerable<ParameterGroup> groups, AdamWOptions? options = null)
        : base(groups)
    {
        options ??= new AdamWOptions();
        options.Validate();
        _state = new AdamState(ParameterCount, options.Beta1, options.Beta2, options.Epsilon, options.Amsgrad);
    }

    /// <inheritdoc/>
    protected override void UpdateParameter(Parameter p, ParameterGroup group, int index) =>
        _state.Update(p, group.LearningRate, group.WeightDecay, decoupled: true, index);

    private static IEnumerable<ParameterGroup> SingleGroup(IEnumerable<Parameter> parameters, AdamWOptions options)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        return [new ParameterGroup("all", parameters, options.LearningRate, options.WeightDecay)];
    }
}
