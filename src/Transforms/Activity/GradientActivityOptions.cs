namespace MLGradientInsight.Transforms.Activity;

/// <summary>
/// Settings of a <see cref="GradientActivityTracker"/> (000 §3). All defaults live here; see
/// <c>docs/activity-defaults.md</c> for the experiments behind them.
/// </summary>
public sealed record GradientActivityOptions
{
    /// <summary>The default of <see cref="Smoothing"/>.</summary>
    public const float DefaultSmoothing = 0.1f;

    /// <summary>The default of <see cref="WarmupSteps"/>.</summary>
    public const int DefaultWarmupSteps = 10;

    /// <summary>The default of <see cref="AbsoluteThreshold"/>.</summary>
    public const float DefaultAbsoluteThreshold = 1e-20f;

    /// <summary>The default of <see cref="RelativeThreshold"/>.</summary>
    public const float DefaultRelativeThreshold = 0.01f;

    /// <summary>The default of <see cref="RootExponent"/>.</summary>
    public const float DefaultRootExponent = 1f;

    /// <summary>
    /// Gets the weight k2 of the current step's gradient change in the update of the mean change,
    /// M ← (1 − k2)·M + k2·I (000 §3.3, eq. 3; k1 = 1 − k2). In [0, 1]; 0 freezes M after warm-up.
    /// </summary>
    public float Smoothing { get; init; } = DefaultSmoothing;

    /// <summary>
    /// Gets the number W ≥ 1 of gradient changes averaged into the first M (000 §3.4.3): step 1 stores the
    /// gradient, steps 2 … W+1 collect changes, activity is reported from step W+2 on.
    /// </summary>
    public int WarmupSteps { get; init; } = DefaultWarmupSteps;

    /// <summary>
    /// Gets the absolute threshold (≥ 0, in gradient units): an element whose M ≤ this value is excluded
    /// from the activity at that step (000 §3.5). It also guarantees M &gt; 0 in the division dI = |I − M| / M.
    /// </summary>
    /// <remarks>
    /// Unlike <see cref="RelativeThreshold"/> it depends on the scale of the loss, so the default (1e-20) is far below
    /// any real gradient change: it only keeps M = 0 and denormal M out of the division (a float dI overflows once
    /// I / M &gt; 3.4e38). Raise it only when you know the gradients' scale.
    /// </remarks>
    public float AbsoluteThreshold { get; init; } = DefaultAbsoluteThreshold;

    /// <summary>
    /// Gets the relative threshold (≥ 0): an element whose M &lt; RelativeThreshold × (mean M over all elements
    /// of its layer) is excluded at that step (000 §3.5). Rarely-updated weights (e.g. weights fed by always-zero
    /// inputs) have M → 0 and would otherwise dominate the activity. Scale-free, so it works for any loss scale.
    /// </summary>
    /// <remarks>The layer mean is the one after the previous step's update of M (the fused pass computes it while updating M).</remarks>
    public float RelativeThreshold { get; init; } = DefaultRelativeThreshold;

    /// <summary>
    /// Gets the root exponent p ≥ 1 (000 §3.5): dI is replaced by dI^(1/p) element-wise before averaging;
    /// 1 turns root scaling off, 2 takes square roots.
    /// </summary>
    public float RootExponent { get; init; } = DefaultRootExponent;

    /// <summary>Gets how gradients are grouped before tracking (000 §3.4.1).</summary>
    public ActivityGrouping Grouping { get; init; } = ActivityGrouping.Element;

    /// <summary>Gets the reporting detail (000 §3.4.4); <see cref="ActivityDetail.Unit"/> adds per-unit rows.</summary>
    public ActivityDetail Detail { get; init; } = ActivityDetail.Layer;

    /// <summary>Gets whether every tensor (<c>fc1.weight</c>, <c>fc1.bias</c>) is tracked as its own layer instead of grouping by layer name.</summary>
    public bool PerTensor { get; init; }

    /// <summary>Gets the layer names to track (by <see cref="TrackedTensor.Layer"/>); null tracks all layers.</summary>
    public IReadOnlyCollection<string>? Layers { get; init; }

    /// <summary>Gets the run id written into every record.</summary>
    public string RunId { get; init; } = "";

    /// <summary>
    /// Gets whether the tracker records weight and update norms (<see cref="GradientActivityTracker.WantsWeights"/>: an
    /// attached trainer gives the weights around each update); this keeps one
    /// copy of the tracked weights (4 bytes per parameter) and costs one extra pass over the weights per step.
    /// </summary>
    public bool TrackWeightStatistics { get; init; } = true;

    /// <summary>
    /// Gets the maximum number of threads used for large layers (1 = single-threaded; results do not depend on it).
    /// Layers with more than 65,536 values are split into fixed chunks of 65,536 whose partial sums are combined in
    /// order; from 4 chunks on the chunks run in parallel.
    /// </summary>
    public int MaxDegreeOfParallelism { get; init; } = Environment.ProcessorCount;

    /// <summary>Checks every setting.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A setting is out of range; the parameter name is the option's name.</exception>
    /// <exception cref="ArgumentException">A layer name in <see cref="Layers"/> is null or blank.</exception>
    public void Validate()
    {
        if (!(Smoothing >= 0f && Smoothing <= 1f))
        {
            throw new ArgumentOutOfRangeException(nameof(Smoothing), Smoothing, "Smoothing (k2) must be in [0, 1].");
        }

        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(WarmupSteps, nameof(WarmupSteps));
        if (!(AbsoluteThreshold >= 0f) || float.IsPositiveInfinity(AbsoluteThreshold))
        {
            throw new ArgumentOutOfRangeException(nameof(AbsoluteThreshold), AbsoluteThreshold, "AbsoluteThreshold must be finite and ≥ 0.");
        }

        if (!(RelativeThreshold >= 0f) || float.IsPositiveInfinity(RelativeThreshold))
        {
            throw new ArgumentOutOfRangeException(nameof(RelativeThreshold), RelativeThreshold, "RelativeThreshold must be finite and ≥ 0.");
        }

        if (!(RootExponent >= 1f) || float.IsPositiveInfinity(RootExponent))
        {
            throw new ArgumentOutOfRangeException(nameof(RootExponent), RootExponent, "RootExponent must be finite and ≥ 1 (1 = no root scaling).");
        }

        if (!Enum.IsDefined(Grouping))
        {
            throw new ArgumentOutOfRangeException(nameof(Grouping), Grouping, "Unknown grouping.");
        }

        if (!Enum.IsDefined(Detail))
        {
            throw new ArgumentOutOfRangeException(nameof(Detail), Detail, "Unknown detail level.");
        }

        if (Detail == ActivityDetail.Unit && Grouping == ActivityGrouping.Tensor)
        {
            throw new ArgumentOutOfRangeException(nameof(Detail), Detail, "Per-unit detail needs Grouping = Element or Unit; with Tensor grouping there are no units.");
        }

        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(MaxDegreeOfParallelism, nameof(MaxDegreeOfParallelism));
        ArgumentNullException.ThrowIfNull(RunId, nameof(RunId));
        if (Layers is not null)
        {
            foreach (string name in Layers)
            {
                if (string.IsNullOrWhiteSpace(name))
                {
                    throw new ArgumentException("Layer names in Layers must not be null or blank.", nameof(Layers));
                }
            }
        }
    }
}
