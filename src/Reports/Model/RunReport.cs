using MLGradientInsight.Transforms.Store;

namespace MLGradientInsight.Reports.Model;

/// <summary>Everything a report draws for one run: its summary, its step series (downsampled) and the analyses' panels.</summary>
/// <remarks>
/// Step series share the x axis (1-based optimizer step). Activity series come from the store's <c>activity</c> table
/// (000 §3): <see cref="NetworkActivity"/> is the <c>network</c> row, <see cref="LayerActivity"/> one series per layer in
/// the order the tracker wrote them. Epoch metrics are drawn at the last step of their epoch.
/// </remarks>
public sealed record RunReport
{
    /// <summary>Gets the run (id, name, status, configuration JSON, model summary).</summary>
    public RunInfo Run { get; init; } = new();

    /// <summary>Gets the run's timings.</summary>
    public RunTimings Timings { get; init; } = new();

    /// <summary>Gets the highest step recorded so far.</summary>
    public long LastStep { get; init; }

    /// <summary>Gets the whole-network activity over steps (000 Fig. 1–4); empty when the run was not tracked.</summary>
    public ReportSeries NetworkActivity { get; init; } = new();

    /// <summary>Gets the activity of each layer over steps (000 Fig. 5–8).</summary>
    public IReadOnlyList<ReportSeries> LayerActivity { get; init; } = [];

    /// <summary>Gets the batch loss over steps.</summary>
    public ReportSeries Loss { get; init; } = new();

    /// <summary>Gets the learning rate (first parameter group) over steps.</summary>
    public ReportSeries LearningRate { get; init; } = new();

    /// <summary>Gets the fraction of the network's elements excluded by the 000 §3.5 thresholds, over steps.</summary>
    public ReportSeries ExcludedFraction { get; init; } = new();

    /// <summary>Gets the number of NaN/±∞ gradient values in the network per step (only steps that had any).</summary>
    public ReportSeries NonFiniteGradients { get; init; } = new();

    /// <summary>Gets the epoch metrics (train/validation loss and accuracy), each drawn at the last step of its epoch.</summary>
    public IReadOnlyList<ReportSeries> EpochMetrics { get; init; } = [];

    /// <summary>Gets the panels added by analyses (see <see cref="IReportContributor"/>).</summary>
    public IReadOnlyList<ReportPanel> Panels { get; init; } = [];

    /// <summary>
    /// Gets the first step of an incremental report (the dashboard's <c>after</c>): its step series then hold only the points
    /// at this step and later (the client drops its own points from this step on and appends these), while
    /// <see cref="ReportSeries.SourcePoints"/>, the non-finite counts, the epoch metrics and the timings describe the whole run.
    /// Null for a whole report.
    /// </summary>
    public long? From { get; init; }

    /// <summary>Gets a value indicating whether an incremental report left the panels out because they have not changed
    /// since the step the client asked from (then <see cref="Panels"/> is empty and the client keeps its own).</summary>
    public bool PanelsUnchanged { get; init; }

    /// <summary>Gets a value indicating whether the dashboard is computing the analyses' panels (the report carries the previous
    /// ones, or none); the page asks again until it is false.</summary>
    public bool PanelsPending { get; init; }
}

/// <summary>How long a run took.</summary>
public sealed record RunTimings
{
    /// <summary>Gets the wall-clock duration in seconds from start to end (or to the last heartbeat of a run still going); null when unknown.</summary>
    public double? DurationSeconds { get; init; }

    /// <summary>Gets the number of steps recorded.</summary>
    public long Steps { get; init; }

    /// <summary>Gets the mean time of one training step in milliseconds; null when not recorded.</summary>
    public double? MeanStepMilliseconds { get; init; }

    /// <summary>Gets the median time of one training step in milliseconds; null when not recorded.</summary>
    public double? MedianStepMilliseconds { get; init; }

    /// <summary>Gets the number of epochs recorded.</summary>
    public int Epochs { get; init; }
}
