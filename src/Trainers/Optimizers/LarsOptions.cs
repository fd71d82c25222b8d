namespace MLGradientInsight.Trainers.Optimizers;

/// <summary>Settings of <see cref="Lars"/> (defaults from You, Gitman &amp; Ginsburg 2017 and its common implementations).</summary>
public sealed class LarsOptions
{
    /// <summary>Gets the global learning rate γ (for the single group built from a parameter list). Default 0.1.</summary>
    public float LearningRate { get; init; } = 0.1f;

    /// <summary>Gets the momentum μ, ≥ 0. Default 0.9.</summary>
    public float Momentum { get; init; } = 0.9f;

    /// <summary>Gets the weight decay β, ≥ 0 (for the single group built from a parameter list). Default 0.</summary>
    public float WeightDecay { get; init; }

    /// <summary>Gets the trust coefficient η, &gt; 0. Default 0.001.</summary>
    public float TrustCoefficient { get; init; } = 1e-3f;

    /// <summary>Gets ε, added to the trust-ratio denominator, ≥ 0. Default 0 (the paper's formula).</summary>
    public float Epsilon { get; init; }

    /// <summary>
    /// Gets whether parameters of rank 1 (biases, normalisation scales and shifts) are excluded from the
    /// trust ratio and from weight decay (they then take plain momentum SGD steps). Default false.
    /// </summary>
    public bool ExcludeBiasAndNormalization { get; init; }

    /// <summary>Checks every setting.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A setting is out of range; the exception names it.</exception>
    public void Validate()
    {
        OptionChecks.NonNegative(LearningRate, nameof(LearningRate));
        OptionChecks.NonNegative(Momentum, nameof(Momentum));
        OptionChecks.NonNegative(WeightDecay, nameof(WeightDecay));
        OptionChecks.Positive(TrustCoefficient, nameof(TrustCoefficient));
        OptionChecks.NonNegative(Epsilon, nameof(Epsilon));
    }
}
