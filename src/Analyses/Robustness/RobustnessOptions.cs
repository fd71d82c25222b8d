namespace MLGradientInsight.Analyses.Robustness;

/// <summary>Options of <see cref="LayerRobustnessAnalyzer"/>.</summary>
public sealed class RobustnessOptions
{
    /// <summary>The default threshold: 0.1.</summary>
    public const double DefaultThreshold = 0.1;

    /// <summary>
    /// Gets the threshold above which a reset makes a layer <see cref="LayerVerdict.Critical"/>: for classification the rise of the
    /// evaluation error (1 − accuracy) in absolute terms (0.1 = 10 percentage points); for regression the relative rise of the
    /// loss (0.1 = 10 %). Default 0.1. Zhang et al. show error heat maps rather than one cut-off; this number is ours and is stated
    /// with every result.
    /// </summary>
    public double Threshold { get; init; } = DefaultThreshold;

    /// <summary>Gets the resets to try; default both.</summary>
    public IReadOnlyList<LayerResetMode> Modes { get; init; } = [LayerResetMode.Reinitialization, LayerResetMode.Rerandomization];

    /// <summary>Gets the number of fresh draws per layer for re-randomisation (their results are averaged); default 1.</summary>
    public int Draws { get; init; } = 1;

    /// <summary>Gets the seed of the re-randomisation draws; default 1.</summary>
    public int Seed { get; init; } = 1;

    /// <summary>Checks the options.</summary>
    /// <exception cref="ArgumentException">The threshold is not a positive finite number, there are no modes, or <see cref="Draws"/> is not positive.</exception>
    public void Validate()
    {
        if (!(Threshold > 0 && double.IsFinite(Threshold)))
        {
            throw new ArgumentException(FormattableString.Invariant($"The threshold must be a positive number (e.g. 0.1); got {Threshold}."), nameof(Threshold));
        }

        if (Modes is null || Modes.Count == 0)
        {
            throw new ArgumentException("Give at least one reset mode.", nameof(Modes));
        }

        if (Draws <= 0)
        {
            throw new ArgumentException($"Draws must be positive; got {Draws}.", nameof(Draws));
        }
    }
}
