namespace MLGradientInsight.Trainers.Torch.Training;

/// <summary>One training step of <see cref="TorchTrainer"/>, as its hooks see it.</summary>
/// <param name="Step">The 1-based global step.</param>
/// <param name="Epoch">The 1-based epoch.</param>
/// <param name="BatchIndex">The 0-based batch in the epoch.</param>
/// <param name="BatchSize">The samples in the batch.</param>
/// <param name="Loss">The batch loss.</param>
/// <param name="LearningRate">The learning rate of the first parameter group.</param>
/// <param name="Correct">Correctly classified samples of the batch, or −1 for regression.</param>
/// <param name="Milliseconds">The time of the step so far.</param>
public readonly record struct TorchStepContext(long Step, int Epoch, int BatchIndex, int BatchSize, float Loss, double LearningRate, int Correct, double Milliseconds);
