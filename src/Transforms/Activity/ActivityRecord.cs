namespace MLGradientInsight.Transforms.Activity;

/// <summary>
/// One row of the activity trace: a layer (or the whole network, <see cref="Layer"/> = <c>network</c>)
/// at one training step. A plain record with public properties, ready for
/// <c>MLContext.Data.LoadFromEnumerable</c>, CSV and SQLite.
/// </summary>
public sealed record ActivityRecord
{
    /// <summary>The layer name used for whole-network rows.</summary>
    public const string NetworkLayer = "network";

    /// <summary>Gets the run id.</summary>
    public string Run { get; init; } = "";

    /// <summary>Gets the 1-based global training step.</summary>
    public long Step { get; init; }

    /// <summary>Gets the 1-based epoch (0 when unknown).</summary>
    public int Epoch { get; init; }

    /// <summary>Gets the layer name (<c>fc1</c>) or <see cref="NetworkLayer"/>.</summary>
    public string Layer { get; init; } = "";

    /// <summary>Gets the activity: the mean of dI = |I − M| / M over the included elements (000 §3.3, eq. 2), NaN when none is included.</summary>
    public double Activity { get; init; }

    /// <summary>Gets the mean of M (the smoothed gradient change) over the layer's included elements, before this step's update of M.</summary>
    public double MeanChange { get; init; } = double.NaN;

    /// <summary>Gets the fraction of elements excluded by the §3.5 thresholds at this step.</summary>
    public double ExcludedFraction { get; init; } = double.NaN;

    /// <summary>Gets the number of non-finite gradient values seen in the layer at this step.</summary>
    public int NonFiniteCount { get; init; }

    /// <summary>Gets the L2 norm of the layer's gradient.</summary>
    public double GradientNorm { get; init; } = double.NaN;

    /// <summary>Gets the L2 norm of the layer's weights (after the update).</summary>
    public double WeightNorm { get; init; } = double.NaN;

    /// <summary>Gets the L2 norm of the update applied to the layer's weights at this step.</summary>
    public double UpdateNorm { get; init; } = double.NaN;

    /// <summary>Gets the batch loss of the step.</summary>
    public double Loss { get; init; } = double.NaN;

    /// <summary>Gets the learning rate applied to the layer (for <c>network</c> rows: of the first group).</summary>
    public double LearningRate { get; init; } = double.NaN;
}
