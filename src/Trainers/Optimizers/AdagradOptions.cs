namespace MLGradientInsight.Trainers.Optimizers;

/// <summary>Settings of <see cref="Adagrad"/>, with PyTorch's <c>torch.optim.Adagrad</c> defaults.</summary>
public sealed class AdagradOptions
{
    /// <summary>Gets the learning rate η (for the single group built from a parameter list). Default 0.01.</summary>
    public float LearningRate { get; init; } = 0.01f;

    /// <summary>Gets the learning-rate decay δ, ≥ 0: step t uses η / (1 + (t − 1)δ). Default 0.</summary>
    public float LearningRateDecay { get; init; }

    /// <summary>Gets the L2 weight decay λ, ≥ 0 (for the single group built from a parameter list). Default 0.</summary>
    public float WeightDecay { get; init; }

    /// <summary>Gets the starting value of the squared-gradient sums, ≥ 0. Default 0.</summary>
    public float InitialAccumulatorValue { get; init; }

    /// <summary>Gets ε, added to √sum, &gt; 0. Default 1e-10.</summary>
    public float Epsilon { get; init; } = 1e-10f;

    /// <summary>Checks every setting.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A setting is out of range; the exception names it.</exception>
    public void Validate()
    {
        OptionChecks.NonNegative(LearningRate, nameof(LearningRate));
        OptionChecks.NonNegative(LearningRateDecay, nameof(LearningRateDecay));
        OptionChecks.NonNegative(WeightDecay, nameof(WeightDecay));
        OptionChecks.NonNegative(InitialAccumulatorValue, nameof(InitialAccumulatorValue));
        OptionChecks.Positive(Epsilon, nameof(Epsilon));
    }
}
