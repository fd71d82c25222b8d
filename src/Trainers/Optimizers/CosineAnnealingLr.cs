namespace MLGradientInsight.Trainers.Optimizers;

/// <summary>Cosine annealing from each group's initial rate down to η_min over T_max epochs, as <c>torch.optim.lr_scheduler.CosineAnnealingLR</c> (closed form).</summary>
/// <remarks>
/// After epoch e: η = η_min + (η₀ − η_min)·(1 + cos(π·e / T_max)) / 2. Past T_max the cosine continues
/// (the rate climbs back towards η₀ over the next T_max epochs), as PyTorch's schedule does.
/// </remarks>
public sealed class CosineAnnealingLr : LearningRateScheduler
{
    /// <summary>Creates the schedule.</summary>
    /// <param name="maxEpochs">T_max, the epochs of a half period, ≥ 1.</param>
    /// <param name="minLearningRate">η_min, ≥ 0.</param>
    /// <exception cref="ArgumentOutOfRangeException">A setting is out of range.</exception>
    public CosineAnnealingLr(int maxEpochs, float minLearningRate = 0f)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxEpochs);
        OptionChecks.NonNegative(minLearningRate, nameof(minLearningRate));
        MaxEpochs = maxEpochs;
        MinLearningRate = minLearningRate;
    }

    /// <summary>Gets T_max.</summary>
    public int MaxEpochs { get; }

    /// <summary>Gets η_min.</summary>
    public float MinLearningRate { get; }

    /// <summary>Gets the learning rate after an epoch.</summary>
    /// <param name="initialLearningRate">η₀.</param>
    /// <param name="epoch">The number of completed epochs, ≥ 0.</param>
    /// <returns>η_min + (η₀ − η_min)(1 + cos(π·epoch/T_max))/2, never below 0.</returns>
    public float LearningRateAt(float initialLearningRate, int epoch) =>
        (float)Math.Max(0, MinLearningRate + ((initialLearningRate - (double)MinLearningRate) * (1 + Math.Cos(Math.PI * epoch / MaxEpochs)) / 2));

    /// <inheritdoc/>
    public override void OnEpochEnd(Optimizer optimizer, int epoch, float validationLoss)
    {
        ArgumentNullException.ThrowIfNull(optimizer);
        foreach (ParameterGroup g in optimizer.Groups)
        {
            g.LearningRate = LearningRateAt(g.InitialLearningRate, epoch);
        }
    }
}
