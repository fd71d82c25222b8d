using MLGradientInsight.Reports.Model;

namespace MLGradientInsight.Reports.Contributors;

/// <summary>The analyses that exist, as report contributors, in display order (what <c>mlgi report</c> and <c>mlgi serve</c> use).</summary>
public static class ReportContributorSet
{
    /// <summary>Creates one of each: diagnosis, trajectory, linear path, robustness, importance.</summary>
    /// <returns>The contributors.</returns>
    public static IReadOnlyList<IReportContributor> CreateAll() =>
        [new DiagnosisContributor(), new TrajectoryContributor(), new LinearPathContributor(), new RobustnessContributor(), new ImportanceContributor()];
}
