namespace MLGradientInsight.Analyses.GradientSpace;

/// <summary>Settings of <see cref="GradientImportance.Compute(Trainers.Sequential, Trainers.Data.Dataset, GradientImportanceOptions?, IProgress{int}?)"/>.</summary>
public sealed class GradientImportanceOptions
{
    /// <summary>The default batch size.</summary>
    public const int DefaultBatchSize = 256;

    /// <summary>Gets the samples per forward/backward pass (memory grows with it; results do not depend on it).</summary>
    public int BatchSize { get; init; } = DefaultBatchSize;

    /// <summary>Gets the number of samples used (the first ones of the dataset), or null for all.</summary>
    public int? MaxSamples { get; init; }

    /// <summary>Checks the settings.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A value is not positive.</exception>
    public void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(BatchSize, nameof(BatchSize));
        if (MaxSamples is int m)
        {
            ArgumentOutOfRangeException.ThrowIfNegativeOrZero(m, nameof(MaxSamples));
        }
    }
}
