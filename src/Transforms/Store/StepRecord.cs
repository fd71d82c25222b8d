namespace MLGradientInsight.Transforms.Store;

/// <summary>
/// One training step of a run (a row of the <c>steps</c> table). A plain record with public properties,
/// ready for <c>MLContext.Data.LoadFromEnumerable</c>. Missing values are NaN.
/// </summary>
public sealed record StepRecord
{
    /// <summary>Gets the run id.</summary>
    public string Run { get; init; } = "";

    /// <summary>Gets the 1-based global training step.</summary>
    public long Step { get; init; }

    /// <summary>Gets the 1-based epoch (0 when unknown).</summary>
    public int Epoch { get; init; }

    /// <summary>Gets the batch loss of the step.</summary>
    public double Loss { get; init; } = double.NaN;

    /// <summary>Gets the learning rate of the first parameter group at this step.</summary>
    public double LearningRate { get; init; } = double.NaN;

    /// <summary>Gets the wall-clock duration of the step in milliseconds.</summary>
    public double StepMilliseconds { get; init; } = double.NaN;
}
