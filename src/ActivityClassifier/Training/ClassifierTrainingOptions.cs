namespace MLGradientInsight.ActivityClassifier.Training;

/// <summary>Options of <see cref="ClassifierTraining"/>.</summary>
public sealed record ClassifierTrainingOptions
{
    /// <summary>Gets the seed of the models and of the synthetic windows (same seed and corpus → same models and metrics).</summary>
    public int Seed { get; init; } = 1;

    /// <summary>Gets the trainer of both models.</summary>
    public ModelAlgorithm Algorithm { get; init; } = ModelAlgorithm.LightGbm;

    /// <summary>Gets the number of synthetic windows added to the shape model's training data.</summary>
    public int SyntheticWindows { get; init; } = 4000;

    /// <summary>Gets the spacing, in steps, of the run prefixes used as action-model examples.</summary>
    public int PrefixSpacing { get; init; } = 50;

    /// <summary>Gets the workloads to evaluate as held-out folds (null: every workload of the corpus).</summary>
    public IReadOnlyList<string>? Folds { get; init; }

    /// <summary>
    /// Gets a fixed alarm threshold for the action model (null, the default: choose it per fold by cross-validation on
    /// that fold's training workloads, see docs/classifier.md).
    /// </summary>
    public double? AlarmThreshold { get; init; }

    /// <summary>Validates the options.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A value is out of range.</exception>
    public void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfNegative(SyntheticWindows, nameof(SyntheticWindows));
        ArgumentOutOfRangeException.ThrowIfLessThan(PrefixSpacing, 10, nameof(PrefixSpacing));
        if (AlarmThreshold is { } t && (t is < 0 or > 1 || double.IsNaN(t)))
        {
            throw new ArgumentOutOfRangeException(nameof(AlarmThreshold), t, "The alarm threshold is a probability in [0, 1].");
        }
    }
}
