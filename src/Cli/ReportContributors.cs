using MLGradientInsight.Reports.Model;

namespace MLGradientInsight.Cli;

/// <summary>
/// The analyses whose panels go into reports and the dashboard. Each analysis that lands adds its
/// <see cref="IReportContributor"/> here (classifier windows and diagnosis, advisor actions, trajectory, linear path,
/// importance map); none has landed yet.
/// </summary>
internal static class ReportContributors
{
    /// <summary>Gets every contributor.</summary>
    public static IReadOnlyList<IReportContributor> All { get; } = [];
}
