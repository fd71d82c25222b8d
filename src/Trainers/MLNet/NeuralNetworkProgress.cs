namespace MLGradientInsight.Trainers.MLNet;

/// <summary>One training step, reported live through <see cref="NeuralNetworkOptions.Progress"/>.</summary>
/// <param name="Step">The 1-based global step.</param>
/// <param name="Epoch">The 1-based epoch.</param>
/// <param name="Epochs">The number of epochs of the run.</param>
/// <param name="Loss">The batch loss.</param>
/// <param name="NetworkActivity">The whole-network gradient activity of the step; NaN during warm-up or without tracking.</param>
public sealed record NeuralNetworkProgress(long Step, int Epoch, int Epochs, double Loss, double NetworkActivity);
