using System.Globalization;
using MLGradientInsight.Reports.Model;
using MLGradientInsight.Transforms.Store;

namespace MLGradientInsight.Reports.Contributors;

/// <summary>The analyses that exist, as report contributors, in display order (what <c>mlgi report</c> and <c>mlgi serve</c> use).</summary>
public static class ReportContributorSet
{
    /// <summary>Creates one of each: diagnosis, the closed loop's decisions (<c>mlgi train --auto-adjust</c>), trajectory, linear path, robustness, importance.</summary>
    /// <returns>The contributors.</returns>
    public static IReadOnlyList<IReportContributor> CreateAll() =>
        [new DiagnosisContributor(), AutoAdjustDecisions(), new TrajectoryContributor(), new LinearPathContributor(), new RobustnessContributor(), new ImportanceContributor()];

    /// <summary>The <c>advisor_actions</c> of a run (what <c>--auto-adjust</c> applied or held back), marked at their steps.</summary>
    /// <returns>The contributor.</returns>
    public static IReportContributor AutoAdjustDecisions() => new StepMarkersContributor(
        "Auto-adjust decisions",
        "decision(s) of --auto-adjust (applied learning-rate changes and those a guard rail held back)",
        (store, run) => store.ReadAdvisorActions(run.Id).Select(a => new StepMarker(
            a.Step,
            a.Outcome == AdvisorActionRecord.Applied
                ? string.Create(CultureInfo.InvariantCulture, $"{a.Action}: lr {a.OldLearningRate:G3} → {a.NewLearningRate:G3}")
                : $"{a.Action} ({a.Outcome})",
            a.Evidence)));
}
