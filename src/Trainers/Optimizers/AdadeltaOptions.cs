namespace MLGradientInsight.Trainers.Optimizers;

/// <summary>Settings of <see cref="Adadelta"/>, with PyTorch's <c>torch.optim.Adadelta</c> defaults.</summary>
public sealed class AdadeltaOptions
{
    /// <summary>Gets the learning rate η, a scale on the computed step (for the single group built from a parameter list). Default 1.</summary>
    public float LearningRate { get; init; } = 1f;

    /// <summary>Gets ρ, the decay of both running averages, in [0, 1]. Default 0.9.</summary>
    public float Rho { get; init; } = 0.9f;

    /// <summary>Gets ε, added inside both square roots, &gt; 0. Default 1e-6.</summary>
    public float Epsilon { get; init; } = 1e-6f;

    /// <summary>Gets the L2 weight decay λ, ≥ 0 (for the single group built from a parameter list). Default 0.</summary>
    public float WeightDecay { get; init; }

    /// <summary>Checks every setting.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A setting is out of range; the exception names it.</exception>
    public void Validate()
    {
        OptionChecks.NonNegative(LearningRate, nameof(LearningRate));
        OptionChecks.ClosedUnitInterval(Rho, nameof(Rho));
        OptionChecks.Positive(Epsilon, nameof(Epsilon));
        OptionChecks.NonNegative(WeightDecay, nameof(WeightDecay));
    }
}
