namespace MLGradientInsight.Trainers.Optimizers;

/// <summary>Settings of <see cref="RmsProp"/>, with PyTorch's <c>torch.optim.RMSprop</c> defaults.</summary>
public sealed class RmsPropOptions
{
    /// <summary>Gets the learning rate η (for the single group built from a parameter list). Default 0.01.</summary>
    public float LearningRate { get; init; } = 0.01f;

    /// <summary>Gets α, the decay of the squared-gradient average, in [0, 1]. Default 0.99.</summary>
    public float Alpha { get; init; } = 0.99f;

    /// <summary>Gets ε, added to the root, &gt; 0. Default 1e-8.</summary>
    public float Epsilon { get; init; } = 1e-8f;

    /// <summary>Gets the L2 weight decay λ, ≥ 0 (for the single group built from a parameter list). Default 0.</summary>
    public float WeightDecay { get; init; }

    /// <summary>Gets the momentum μ, ≥ 0. Default 0.</summary>
    public float Momentum { get; init; }

    /// <summary>Gets whether to divide by the centred root √(v − a²) (a = running mean of the gradient). Default false.</summary>
    public bool Centered { get; init; }

    /// <summary>Checks every setting.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A setting is out of range; the exception names it.</exception>
    public void Validate()
    {
        OptionChecks.NonNegative(LearningRate, nameof(LearningRate));
        OptionChecks.ClosedUnitInterval(Alpha, nameof(Alpha));
        OptionChecks.Positive(Epsilon, nameof(Epsilon));
        OptionChecks.NonNegative(WeightDecay, nameof(WeightDecay));
        OptionChecks.NonNegative(Momentum, nameof(Momentum));
    }
}
