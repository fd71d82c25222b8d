using MLGradientInsight.Analyses.Storage;
using MLGradientInsight.Reports.Model;
using MLGradientInsight.Transforms.Store;

namespace MLGradientInsight.Reports.Contributors;

/// <summary>
/// Draws the latest saved analysis of one kind for a run (the <c>analyses</c> table of the store, docs/store-schema.md), read
/// without writing to the store; nothing when the run has none.
/// </summary>
public abstract class StoredAnalysisContributor : IReportContributor
{
    /// <summary>Gets the <c>kind</c> in the <c>analyses</c> table (<c>trajectory</c>, <c>linear_path</c>, <c>robustness</c>).</summary>
    protected abstract string Kind { get; }

    /// <inheritdoc/>
    public IEnumerable<ReportPanel> Contribute(RunStore store, RunInfo run)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(run);
        AnalysisStore analyses = AnalysisStore.OpenForReading(store);
        List<AnalysisInfo> saved = analyses.ReadAnalyses(run.Id).Where(a => a.Kind == Kind).ToList();
        if (saved.Count == 0)
        {
            return [];
        }

        AnalysisInfo latest = saved[^1];
        string origin = $"analysis {latest.Id} of {latest.CreatedUtc}" + (saved.Count > 1 ? $" (the latest of {saved.Count})" : "");
        return Panels(analyses, latest, origin);
    }

    /// <summary>Makes the panels of one saved analysis.</summary>
    /// <param name="analyses">The store's analysis tables.</param>
    /// <param name="analysis">The analysis.</param>
    /// <param name="origin">Which analysis it is, for captions.</param>
    /// <returns>The panels.</returns>
    protected abstract IReadOnlyList<ReportPanel> Panels(AnalysisStore analyses, AnalysisInfo analysis, string origin);
}
