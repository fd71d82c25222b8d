namespace MLGradientInsight.ActivityClassifier.Diagnosis;

/// <summary>Raised by <see cref="TrainingAdvisor.ShapeChanged"/> when the network's current shape changes.</summary>
/// <param name="Step">The step.</param>
/// <param name="Window">The current window and its shape probabilities.</param>
public sealed record ShapeChangedEventArgs(long Step, WindowShape Window);
