namespace MLGradientInsight.Transforms.Store;

/// <summary>
/// The end-of-epoch metrics of a run (a row of the <c>epochs</c> table). A plain record with public properties,
/// ready for <c>MLContext.Data.LoadFromEnumerable</c>. Missing values (no validation set) are NaN.
/// </summary>
public sealed record EpochRecord
{
    /// <summary>Gets the run id.</summary>
    public string Run { get; init; } = "";

    /// <summary>Gets the 1-based epoch.</summary>
    public int Epoch { get; init; }

    /// <summary>Gets the mean training loss over the epoch.</summary>
    public double TrainLoss { get; init; } = double.NaN;

    /// <summary>Gets the training accuracy over the epoch, in [0, 1] (NaN for regression).</summary>
    public double TrainAccuracy { get; init; } = double.NaN;

    /// <summary>Gets the validation loss after the epoch (NaN without a validation set).</summary>
    public double ValidationLoss { get; init; } = double.NaN;

    /// <summary>Gets the validation accuracy after the epoch, in [0, 1] (NaN without a validation set or for regression).</summary>
    public double ValidationAccuracy { get; init; } = double.NaN;
}
