namespace MLGradientInsight.Trainers.Torch.Training;

/// <summary>Settings of <see cref="TorchTrainer"/>: the same meaning and defaults as the managed engine's <c>TrainerOptions</c>.</summary>
public sealed class TorchTrainerOptions
{
    /// <summary>Gets the passes over the training set, ≥ 1. Default 1.</summary>
    public int Epochs { get; init; } = 1;

    /// <summary>Gets the mini-batch size, ≥ 1. Default 64.</summary>
    public int BatchSize { get; init; } = 64;

    /// <summary>Gets the seed of the shuffling (the same order as the managed trainer with the same seed). Default 1.</summary>
    public int Seed { get; init; } = 1;

    /// <summary>Gets whether to shuffle the training set every epoch. Default true.</summary>
    public bool Shuffle { get; init; } = true;

    /// <summary>Gets the batch size of <see cref="TorchTrainer.Evaluate"/>, ≥ 1. Default 256.</summary>
    public int EvaluationBatchSize { get; init; } = 256;

    /// <summary>Gets the learning-rate schedule, stepped after every epoch (<see cref="TorchSchedule"/>); null = constant.</summary>
    public TorchSchedule? Schedule { get; init; }

    /// <summary>Checks every setting.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A setting is out of range.</exception>
    public void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(Epochs);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(BatchSize);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(EvaluationBatchSize);
    }
}
