using MLGradientInsight.Transforms.Store;

namespace MLGradientInsight.Reports.Model;

/// <summary>
/// An analysis that adds panels to a run's report (the classifier's windows and diagnosis, the advisor's actions, the
/// trajectory picture, linear-path curves, importance maps). Register it in <see cref="ReportOptions.Contributors"/>.
/// </summary>
public interface IReportContributor
{
    /// <summary>Returns the panels for one run; none when the analysis has nothing for it.</summary>
    /// <param name="store">The store the run is in (read-only use).</param>
    /// <param name="run">The run.</param>
    /// <returns>The panels, in display order.</returns>
    IEnumerable<ReportPanel> Contribute(RunStore store, RunInfo run);
}
