using MLGradientInsight.Reports.Model;
using MLGradientInsight.Transforms.Store;

namespace MLGradientInsight.Reports.Contributors;

/// <summary>
/// Marks events from any source at their steps on the step charts (activity, loss, learning rate): e.g. the learning-rate
/// changes a closed loop applied, read from the store, or actions logged by your own training code.
/// </summary>
/// <example>
/// <code>
/// var actions = new StepMarkersContributor("Applied actions", "learning-rate changes made during training",
///     (store, run) => myLog.Where(a => a.Run == run.Id).Select(a => new StepMarker(a.Step, a.Action, a.Reason)));
/// var options = new ReportOptions { Contributors = [.. ReportContributorSet.CreateAll(), actions] };
/// </code>
/// </example>
/// <param name="title">The panel title (shown with the caption under the activity chart).</param>
/// <param name="caption">What the markers are.</param>
/// <param name="source">The events of a run, in any order (none: no panel).</param>
public sealed class StepMarkersContributor(string title, string caption, Func<RunStore, RunInfo, IEnumerable<StepMarker>> source) : IReportContributor
{
    private readonly Func<RunStore, RunInfo, IEnumerable<StepMarker>> _source = source ?? throw new ArgumentNullException(nameof(source));

    /// <inheritdoc/>
    public IEnumerable<ReportPanel> Contribute(RunStore store, RunInfo run)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(run);
        List<StepMarker> markers = [.. _source(store, run).OrderBy(m => m.Step)];
        return markers.Count == 0 ? [] : [new StepMarkersPanel { Title = title, Caption = $"{markers.Count} {caption}", Markers = markers }];
    }
}
