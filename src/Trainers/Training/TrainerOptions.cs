using MLGradientInsight.Trainers.Optimizers;

namespace MLGradientInsight.Trainers.Training;

/// <summary>Settings of a training run; validated once by <see cref="Trainer"/>.</summary>
public sealed class TrainerOptions
{
    /// <summary>Gets the number of passes over the training set. Default 1.</summary>
    public int Epochs { get; init; } = 1;

    /// <summary>Gets the mini-batch size. Default 64.</summary>
    public int BatchSize { get; init; } = 64;

    /// <summary>Gets the seed of the shuffling order. Default 1.</summary>
    public int Seed { get; init; } = 1;

    /// <summary>Gets whether each epoch visits the samples in a new seeded random order. Default true.</summary>
    public bool Shuffle { get; init; } = true;

    /// <summary>Gets whether a last, smaller batch is dropped. Default false.</summary>
    public bool DropLast { get; init; }

    /// <summary>Gets the learning-rate schedule, or null for a constant rate.</summary>
    public LearningRateScheduler? Scheduler { get; init; }

    /// <summary>Gets the batch size used for evaluation. Default 256.</summary>
    public int EvaluationBatchSize { get; init; } = 256;

    /// <summary>Throws when a setting is out of range.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A setting is out of range; the message names it.</exception>
    public void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(Epochs, nameof(Epochs));
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(BatchSize, nameof(BatchSize));
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(EvaluationBatchSize, nameof(EvaluationBatchSize));
    }
}
