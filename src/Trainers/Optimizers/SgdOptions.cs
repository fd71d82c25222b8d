namespace MLGradientInsight.Trainers.Optimizers;

/// <summary>Settings of <see cref="Sgd"/>, with PyTorch's <c>torch.optim.SGD</c> defaults.</summary>
public sealed class SgdOptions
{
    /// <summary>Gets the learning rate η (for the single group built from a parameter list). Default 0.01.</summary>
    public float LearningRate { get; init; } = 0.01f;

    /// <summary>Gets the momentum μ, ≥ 0. Default 0 (no momentum buffer).</summary>
    public float Momentum { get; init; }

    /// <summary>Gets the dampening τ in [0, 1]. Default 0.</summary>
    public float Dampening { get; init; }

    /// <summary>Gets whether to use Nesterov momentum (needs μ &gt; 0 and τ = 0). Default false.</summary>
    public bool Nesterov { get; init; }

    /// <summary>Gets the L2 weight decay λ, ≥ 0 (for the single group built from a parameter list). Default 0.</summary>
    public float WeightDecay { get; init; }

    /// <summary>Checks every setting.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A setting is out of range; the exception names it.</exception>
    public void Validate()
    {
        OptionChecks.NonNegative(LearningRate, nameof(LearningRate));
        OptionChecks.NonNegative(Momentum, nameof(Momentum));
        OptionChecks.ClosedUnitInterval(Dampening, nameof(Dampening));
        OptionChecks.NonNegative(WeightDecay, nameof(WeightDecay));
        if (Nesterov && (Momentum <= 0 || Dampening != 0))
        {
            OptionChecks.Throw(nameof(Nesterov), Nesterov, $"needs Momentum > 0 and Dampening = 0 (Momentum = {Momentum}, Dampening = {Dampening})");
        }
    }
}
