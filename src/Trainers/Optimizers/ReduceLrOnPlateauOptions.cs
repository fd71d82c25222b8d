namespace MLGradientInsight.Trainers.Optimizers;

/// <summary>Settings of <see cref="ReduceLrOnPlateau"/>, with the defaults of <c>torch.optim.lr_scheduler.ReduceLROnPlateau</c>.</summary>
public sealed class ReduceLrOnPlateauOptions
{
    /// <summary>Gets whether the metric should fall or rise. Default <see cref="PlateauMode.Min"/>.</summary>
    public PlateauMode Mode { get; init; } = PlateauMode.Min;

    /// <summary>Gets the factor applied to the learning rates on a plateau, in (0, 1). Default 0.1.</summary>
    public float Factor { get; init; } = 0.1f;

    /// <summary>Gets how many epochs without improvement are tolerated, ≥ 0; the rate falls after one more. Default 10.</summary>
    public int Patience { get; init; } = 10;

    /// <summary>Gets the least change that counts as an improvement, ≥ 0. Default 1e-4.</summary>
    public float Threshold { get; init; } = 1e-4f;

    /// <summary>Gets whether <see cref="Threshold"/> is relative or absolute. Default <see cref="ThresholdMode.Relative"/>.</summary>
    public ThresholdMode ThresholdMode { get; init; } = ThresholdMode.Relative;

    /// <summary>Gets the epochs to wait after a reduction before counting bad epochs again, ≥ 0. Default 0.</summary>
    public int Cooldown { get; init; }

    /// <summary>Gets the floor of every learning rate, ≥ 0. Default 0.</summary>
    public float MinLearningRate { get; init; }

    /// <summary>Gets the smallest change of a learning rate worth making, ≥ 0. Default 1e-8.</summary>
    public float Epsilon { get; init; } = 1e-8f;

    /// <summary>Checks every setting.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A setting is out of range; the exception names it.</exception>
    public void Validate()
    {
        if (!Enum.IsDefined(Mode))
        {
            OptionChecks.Throw(nameof(Mode), Mode, "must be Min or Max");
        }

        OptionChecks.OpenUnitInterval(Factor, nameof(Factor));
        if (Patience < 0)
        {
            OptionChecks.Throw(nameof(Patience), Patience, "must be ≥ 0");
        }

        OptionChecks.NonNegative(Threshold, nameof(Threshold));
        if (!Enum.IsDefined(ThresholdMode))
        {
            OptionChecks.Throw(nameof(ThresholdMode), ThresholdMode, "must be Relative or Absolute");
        }

        if (Cooldown < 0)
        {
            OptionChecks.Throw(nameof(Cooldown), Cooldown, "must be ≥ 0");
        }

        OptionChecks.NonNegative(MinLearningRate, nameof(MinLearningRate));
        OptionChecks.NonNegative(Epsilon, nameof(Epsilon));
    }
}
