namespace MLGradientInsight.ActivityClassifier.AutoAdjust;

/// <summary>The guard rails of <see cref="LearningRateController"/> (<c>mlgi train --auto-adjust</c>).</summary>
public sealed record AutoAdjustOptions
{
    /// <summary>Gets the first steps in which no action is applied (default 100): the advisor's early windows are short.</summary>
    public int WarmupSteps { get; init; } = 100;

    /// <summary>Gets the least number of steps between two applied actions (default 200): the advisor's windows must see the new rate first.</summary>
    public int CooldownSteps { get; init; } = 200;

    /// <summary>Gets the factor of one action (default 2): <c>lower-learning-rate</c> divides the rate by it, <c>raise-learning-rate</c> multiplies; in (1, 10].</summary>
    public double Factor { get; init; } = 2;

    /// <summary>Gets the lowest learning rate, relative to the initial one (default 0.01).</summary>
    public double MinimumRelative { get; init; } = 0.01;

    /// <summary>Gets the highest learning rate, relative to the initial one (default 10).</summary>
    public double MaximumRelative { get; init; } = 10;

    /// <summary>Validates the options.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A value is out of range.</exception>
    public void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfNegative(WarmupSteps, nameof(WarmupSteps));
        ArgumentOutOfRangeException.ThrowIfNegative(CooldownSteps, nameof(CooldownSteps));
        if (!(Factor > 1 && Factor <= 10))
        {
            throw new ArgumentOutOfRangeException(nameof(Factor), Factor, "The factor of one action must be in (1, 10].");
        }

        if (!(MinimumRelative > 0 && MinimumRelative <= 1))
        {
            throw new ArgumentOutOfRangeException(nameof(MinimumRelative), MinimumRelative, "The lowest relative learning rate must be in (0, 1].");
        }

        if (!(MaximumRelative >= 1 && double.IsFinite(MaximumRelative)))
        {
            throw new ArgumentOutOfRangeException(nameof(MaximumRelative), MaximumRelative, "The highest relative learning rate must be finite and ≥ 1.");
        }
    }
}
