using System.Globalization;
using System.Text;
using MLGradientInsight.ActivityClassifier.Shapes;

namespace MLGradientInsight.ActivityClassifier.Training;

/// <summary>The evaluation of the shape model, the action model and the rule baseline on held-out workloads.</summary>
/// <param name="ShapeConfusion">Rows: true shape (labelling procedure), columns: predicted, both in <see cref="ActivityShape"/> order; real windows of held-out runs.</param>
/// <param name="Scores">Per advisor and group (each held-out workload, <c>all</c>, optionally <c>pytorch</c>).</param>
/// <param name="UnusedRuns">Corpus runs not used (condition without effect, or fewer steps with activity than the advisor needs).</param>
/// <param name="ByCondition">Per advisor and corpus condition (our engine, held-out folds): runs and runs whose top action at the end is the right one.</param>
public sealed record ClassifierReport(IReadOnlyList<IReadOnlyList<int>> ShapeConfusion, IReadOnlyList<AdvisorScore> Scores, int UnusedRuns, IReadOnlyList<(string Advisor, string Condition, int Runs, int Right)> ByCondition)
{
    /// <summary>Gets the action model's alarm threshold of each fold, chosen by cross-validation on that fold's training workloads only.</summary>
    public IReadOnlyList<(string Fold, double Threshold)> AlarmThresholds { get; init; } = [];

    /// <summary>Gets, per advisor, how often each right action (rows) got each top action at the end of the run (columns), both in <see cref="Actions.ActionNames.All"/> order; our engine's held-out folds.</summary>
    public IReadOnlyList<(string Advisor, IReadOnlyList<IReadOnlyList<int>> Counts)> ActionConfusion { get; init; } = [];

    /// <summary>Gets the macro-averaged F1 of the shape model over the four shapes (classes without examples count as 0 only if predicted).</summary>
    public double ShapeMacroF1
    {
        get
        {
            double sum = 0;
            int classes = 0;
            for (int c = 0; c < 4; c++)
            {
                int tp = ShapeConfusion[c][c];
                int actual = ShapeConfusion[c].Sum();
                int predicted = ShapeConfusion.Sum(r => r[c]);
                if (actual == 0 && predicted == 0)
                {
                    continue;
                }

                classes++;
                sum += tp == 0 ? 0 : 2.0 * tp / (actual + predicted);
            }

            return classes == 0 ? double.NaN : sum / classes;
        }
    }

    /// <summary>The report as Markdown tables (the README section is this text).</summary>
    /// <returns>The Markdown.</returns>
    public string ToMarkdown()
    {
        var b = new StringBuilder();
        b.AppendLine("| advisor | held-out group | right top action (faulty runs) | false alarms, end of run (healthy) | false alarms, online (healthy) | median delay to first alarm (steps) |");
        b.AppendLine("|---|---|---|---|---|---|");
        foreach (AdvisorScore s in Scores)
        {
            b.AppendLine(CultureInfo.InvariantCulture, $"| {s.Advisor} | {s.Group} | {Pct(s.RightTopAction, s.FaultyRuns)} | {Pct(s.FalseAlarms, s.HealthyRuns)} | {Pct(s.OnlineFalseAlarms, s.HealthyRuns)} | {(double.IsNaN(s.MedianDelay) ? "–" : s.MedianDelay.ToString("0", CultureInfo.InvariantCulture))} |");
        }

        b.AppendLine();
        b.AppendLine("Right top action per condition (held-out folds, our engine):");
        b.AppendLine();
        b.AppendLine("| condition | " + string.Join(" | ", ByCondition.Select(c => c.Advisor).Distinct()) + " |");
        b.AppendLine("|---|" + string.Concat(ByCondition.Select(c => c.Advisor).Distinct().Select(_ => "---|")));
        foreach (string condition in ByCondition.Select(c => c.Condition).Distinct())
        {
            b.AppendLine($"| {condition} | " + string.Join(" | ", ByCondition.Where(c => c.Condition == condition).Select(c => Pct(c.Right, c.Runs))) + " |");
        }

        foreach ((string advisor, IReadOnlyList<IReadOnlyList<int>> counts) in ActionConfusion)
        {
            b.AppendLine();
            b.AppendLine(CultureInfo.InvariantCulture, $"Top action at the end of the run, {advisor} (rows: the right action; held-out folds, our engine):");
            b.AppendLine();
            b.AppendLine("| right \\ top | " + string.Join(" | ", Actions.ActionNames.All) + " |");
            b.AppendLine("|---|" + string.Concat(Actions.ActionNames.All.Select(_ => "---|")));
            for (int r = 0; r < counts.Count; r++)
            {
                b.AppendLine($"| {Actions.ActionNames.All[r]} | " + string.Join(" | ", counts[r]) + " |");
            }
        }

        b.AppendLine();
        b.AppendLine(CultureInfo.InvariantCulture, $"Shape model on real windows of held-out workloads (labels: the documented procedure), macro-F1 **{ShapeMacroF1:0.000}**:");
        b.AppendLine();
        b.AppendLine("| true \\ predicted | " + string.Join(" | ", ShapeNames.All) + " |");
        b.AppendLine("|---|---|---|---|---|");
        for (int r = 0; r < 4; r++)
        {
            b.AppendLine($"| {ShapeNames.All[r]} | " + string.Join(" | ", ShapeConfusion[r]) + " |");
        }

        b.AppendLine();
        b.AppendLine(CultureInfo.InvariantCulture, $"Corpus runs not used: {UnusedRuns}.");
        if (AlarmThresholds.Count > 0)
        {
            b.AppendLine();
            b.AppendLine("Alarm threshold of the action model per fold (chosen on that fold's training workloads only): "
                + string.Join(", ", AlarmThresholds.Select(t => string.Create(CultureInfo.InvariantCulture, $"{t.Fold} {t.Threshold:0.00}"))) + ".");
        }
        return b.ToString();
    }

    private static string Pct(int count, int total) => total == 0 ? "–" : string.Create(CultureInfo.InvariantCulture, $"{100.0 * count / total:0.0}% ({count}/{total})");
}
