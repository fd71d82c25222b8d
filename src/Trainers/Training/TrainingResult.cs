namespace MLGradientInsight.Trainers.Training;

/// <summary>How a training run ended.</summary>
public enum TrainingStatus
{
    /// <summary>All epochs ran.</summary>
    Completed,

    /// <summary>A NaN or infinity appeared; see <see cref="TrainingResult.NonFinite"/>.</summary>
    NonFinite,

    /// <summary>The run was cancelled.</summary>
    Cancelled,
}

/// <summary>Metrics of one epoch.</summary>
/// <param name="Epoch">The 1-based epoch.</param>
/// <param name="TrainLoss">Mean training loss over the epoch's batches (weighted by batch size).</param>
/// <param name="TrainAccuracy">Training accuracy in [0, 1]; NaN for regression (there is no accuracy), so stores and reports show it as missing, not as 0 %.</param>
/// <param name="ValidationLoss">Validation loss, or NaN without a validation set.</param>
/// <param name="ValidationAccuracy">Validation accuracy; NaN without a validation set or for regression.</param>
/// <param name="Steps">The global step count at the end of the epoch.</param>
/// <param name="Seconds">Wall time of the epoch's training steps.</param>
public sealed record EpochSummary(int Epoch, double TrainLoss, double TrainAccuracy, double ValidationLoss, double ValidationAccuracy, long Steps, double Seconds);

/// <summary>Where a NaN or infinity was first seen.</summary>
/// <param name="Step">The 1-based global step.</param>
/// <param name="Epoch">The 1-based epoch.</param>
/// <param name="BatchIndex">The 0-based batch within the epoch.</param>
/// <param name="Where">Which quantity: <c>loss</c>, <c>gradient</c> or <c>weights</c> (after the update).</param>
/// <param name="ParameterName">The parameter (null for the loss).</param>
/// <param name="ElementIndex">The first offending element's flat index (−1 for the loss).</param>
/// <param name="Value">The offending value.</param>
/// <param name="Count">How many elements of that tensor are not finite.</param>
public sealed record NonFiniteReport(long Step, int Epoch, int BatchIndex, string Where, string? ParameterName, int ElementIndex, float Value, int Count)
{
    /// <inheritdoc/>
    public override string ToString() => ParameterName is null
        ? $"{Where} is {Value} at step {Step} (epoch {Epoch}, batch {BatchIndex})"
        : $"{Where} of '{ParameterName}' has {Count} non-finite value(s), first {Value} at element {ElementIndex}, step {Step} (epoch {Epoch}, batch {BatchIndex})";
}

/// <summary>Outcome of <see cref="Trainer.Fit"/>.</summary>
/// <param name="Status">How the run ended.</param>
/// <param name="Epochs">Per-epoch metrics of the completed epochs.</param>
/// <param name="Steps">The number of optimizer steps taken.</param>
/// <param name="NonFinite">Where a NaN/infinity appeared, when <paramref name="Status"/> is <see cref="TrainingStatus.NonFinite"/>.</param>
public sealed record TrainingResult(TrainingStatus Status, IReadOnlyList<EpochSummary> Epochs, long Steps, NonFiniteReport? NonFinite);

/// <summary>Metrics of a model on a dataset.</summary>
/// <param name="Loss">Mean loss.</param>
/// <param name="Accuracy">Accuracy in [0, 1]; NaN for regression.</param>
/// <param name="Count">Samples evaluated.</param>
public sealed record EvaluationResult(double Loss, double Accuracy, int Count);
