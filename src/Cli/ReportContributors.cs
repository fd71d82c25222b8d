using MLGradientInsight.Reports.Contributors;
using MLGradientInsight.Reports.Model;

namespace MLGradientInsight.Cli;

/// <summary>
/// The analyses whose panels go into reports and the dashboard (<see cref="ReportContributorSet"/>: classifier windows and
/// diagnosis, trajectory, linear path, robustness, importance map). A new analysis adds its <see cref="IReportContributor"/> there.
/// </summary>
internal static class ReportContributors
{
    /// <summary>Gets every contributor.</summary>
    public static IReadOnlyList<IReportContributor> All { get; } = ReportContributorSet.CreateAll();
}
