namespace MLGradientInsight.Trainers.Optimizers;

/// <summary>Settings of <see cref="Adam"/>, with PyTorch's <c>torch.optim.Adam</c> defaults.</summary>
public sealed class AdamOptions
{
    /// <summary>Gets the learning rate η (for the single group built from a parameter list). Default 0.001.</summary>
    public float LearningRate { get; init; } = 1e-3f;

    /// <summary>Gets β₁, the decay of the first moment, in [0, 1). Default 0.9.</summary>
    public float Beta1 { get; init; } = 0.9f;

    /// <summary>Gets β₂, the decay of the second moment, in [0, 1). Default 0.999.</summary>
    public float Beta2 { get; init; } = 0.999f;

    /// <summary>Gets ε, added to the bias-corrected root, &gt; 0. Default 1e-8.</summary>
    public float Epsilon { get; init; } = 1e-8f;

    /// <summary>Gets the L2 weight decay λ, added to the gradient as λθ, ≥ 0 (for the single group built from a parameter list). Default 0.</summary>
    public float WeightDecay { get; init; }

    /// <summary>Gets whether to use the AMSGrad variant (divide by the running maximum of v). Default false.</summary>
    public bool Amsgrad { get; init; }

    /// <summary>Checks every setting.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A setting is out of range; the exception names it.</exception>
    public void Validate()
    {
        OptionChecks.NonNegative(LearningRate, nameof(LearningRate));
        OptionChecks.UnitInterval(Beta1, nameof(Beta1));
        OptionChecks.UnitInterval(Beta2, nameof(Beta2));
        OptionChecks.Positive(Epsilon, nameof(Epsilon));
        OptionChecks.NonNegative(WeightDecay, nameof(WeightDecay));
    }
}
