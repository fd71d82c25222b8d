using System.Globalization;
using MLGradientInsight.Analyses.Storage;
using MLGradientInsight.Analyses.Trajectory;
using MLGradientInsight.Reports.Model;

namespace MLGradientInsight.Reports.Contributors;

/// <summary>
/// The training path of a run (001; <c>mlgi trajectory</c>): one picture per variant (random projection, gradient-weighted,
/// PCA and its random-walk baseline), each point a checkpoint coloured by the loss there, with the canyon/circling windows
/// and the explained variance in the caption.
/// </summary>
public sealed class TrajectoryContributor : StoredAnalysisContributor
{
    /// <inheritdoc/>
    protected override string Kind => "trajectory";

    /// <summary>Makes the pictures of a trajectory analysis.</summary>
    /// <param name="points">The points of every variant.</param>
    /// <param name="windows">The regime windows.</param>
    /// <param name="variance">The explained variances (PCA variants), or none.</param>
    /// <param name="origin">Which analysis it is, for captions.</param>
    /// <returns>One scatter panel per variant, in the order the variants first appear.</returns>
    public static IReadOnlyList<ReportPanel> Panels(IReadOnlyList<TrajectoryPoint> points, IReadOnlyList<TrajectoryWindow> windows, IReadOnlyList<ExplainedVariance> variance, string origin)
    {
        ArgumentNullException.ThrowIfNull(points);
        ArgumentNullException.ThrowIfNull(windows);
        ArgumentNullException.ThrowIfNull(variance);
        var panels = new List<ReportPanel>();
        foreach (IGrouping<string, TrajectoryPoint> variant in points.GroupBy(p => p.Variant))
        {
            List<TrajectoryPoint> path = [.. variant.OrderBy(p => p.Step)];
            var caption = new List<string> { $"{path.Count} checkpoints, steps {path[0].Step:N0}–{path[^1].Step:N0}; colour = mean batch loss before the checkpoint" };
            List<TrajectoryWindow> own = [.. windows.Where(w => w.Variant == variant.Key)];
            if (own.Count > 0)
            {
                int canyon = own.Count(w => w.Regime == "canyon");
                caption.Add($"{canyon} canyon and {own.Count - canyon} circling windows of {own[0].Points} points (efficiency = displacement / path length ≥ {own[0].Threshold.ToString("0.##", CultureInfo.InvariantCulture)} is a canyon)");
            }

            List<ExplainedVariance> explained = [.. variance.Where(v => v.Variant == variant.Key).OrderBy(v => v.Component)];
            if (explained.Count > 0)
            {
                caption.Add("explained variance " + string.Join(", ", explained.Take(2).Select(v => $"PC{v.Component} {(100 * v.Explained).ToString("0.#", CultureInfo.InvariantCulture)} %")));
            }

            caption.Add(origin);
            panels.Add(new ScatterPanel
            {
                Title = $"Training path, {Describe(variant.Key)} (001)",
                Caption = string.Join("; ", caption),
                XLabel = variant.Key.Contains("pca", StringComparison.Ordinal) ? "PC1" : "x",
                YLabel = variant.Key.Contains("pca", StringComparison.Ordinal) ? "PC2" : "y",
                ColorLabel = "loss",
                X = [.. path.Select(p => p.X)],
                Y = [.. path.Select(p => p.Y)],
                Color = [.. path.Select(p => p.Loss)],
            });
        }

        return panels;
    }

    /// <inheritdoc/>
    protected override IReadOnlyList<ReportPanel> Panels(AnalysisStore analyses, AnalysisInfo analysis, string origin) => Panels(
        analyses.ReadRows<TrajectoryPoint>("trajectory_points", analysis.Id),
        analyses.ReadRows<TrajectoryWindow>("trajectory_windows", analysis.Id),
        analyses.ReadRows<ExplainedVariance>("trajectory_variance", analysis.Id),
        origin);

    private static string Describe(string variant) => variant switch
    {
        "random" => "random projection Σ wᵢ·vᵢ",
        "weighted" => "gradient-weighted projection",
        "pca" => "first two principal components",
        "random-walk-pca" => "PCA of a random walk with the same step lengths (baseline)",
        _ => variant,
    };
}
