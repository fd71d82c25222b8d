namespace MLGradientInsight.Analyses.GradientSpace;

/// <summary>Settings of <see cref="GradNet"/>: the gradient features (003, "Methodology", Fig. 5) and the GradNet training.</summary>
public sealed class GradNetOptions
{
    /// <summary>Gets the percentile of parameters left out: each parameter tensor keeps the entries whose mean |g| over the training set is
    /// above this percentile (99 keeps the top 1 %; at least one entry per tensor). 003 Fig. 5 varies it.</summary>
    public double Percentile { get; init; } = 99;

    /// <summary>Gets the exponent α of the signed power sign(v)·|v|^α applied after min–max scaling to [−1, 1].</summary>
    public double Power { get; init; } = 0.5;

    /// <summary>Gets the hidden units of each block (one block per base layer).</summary>
    public int HiddenPerBlock { get; init; } = 16;

    /// <summary>Gets the GradNet training epochs.</summary>
    public int Epochs { get; init; } = 10;

    /// <summary>Gets the samples per GradNet mini-batch (each sample contributes one feature row per class).</summary>
    public int BatchSize { get; init; } = 32;

    /// <summary>Gets Adam's learning rate.</summary>
    public float LearningRate { get; init; } = 1e-3f;

    /// <summary>Gets the L2 weight decay (003 Fig. 4 compares regularisations).</summary>
    public float WeightDecay { get; init; } = 1e-4f;

    /// <summary>Gets the seed of GradNet's initialisation and shuffling.</summary>
    public int Seed { get; init; } = 1;

    /// <summary>Checks the settings.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A value is out of range; the message names it.</exception>
    public void Validate()
    {
        if (!(Percentile >= 0 && Percentile < 100))
        {
            throw new ArgumentOutOfRangeException(nameof(Percentile), Percentile, "The percentile must be in [0, 100); 99 keeps the top 1 % of each parameter tensor.");
        }

        if (!(Power > 0 && double.IsFinite(Power)))
        {
            throw new ArgumentOutOfRangeException(nameof(Power), Power, "The signed-power exponent must be positive (0.5 is the usual choice).");
        }

        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(HiddenPerBlock, nameof(HiddenPerBlock));
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(Epochs, nameof(Epochs));
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(BatchSize, nameof(BatchSize));
        if (!(LearningRate > 0 && float.IsFinite(LearningRate)))
        {
            throw new ArgumentOutOfRangeException(nameof(LearningRate), LearningRate, "The learning rate must be positive.");
        }

        if (!(WeightDecay >= 0 && float.IsFinite(WeightDecay)))
        {
            throw new ArgumentOutOfRangeException(nameof(WeightDecay), WeightDecay, "The weight decay must be zero or positive.");
        }
    }
}
