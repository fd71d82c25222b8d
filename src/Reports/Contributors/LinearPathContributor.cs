using System.Globalization;
using MLGradientInsight.Analyses.LinearPath;
using MLGradientInsight.Analyses.Storage;
using MLGradientInsight.Reports.Model;

namespace MLGradientInsight.Reports.Contributors;

/// <summary>
/// The straight line between two checkpoints (002 Fig. 3; <c>mlgi interpolate</c>): loss (and accuracy, for classifiers) along
/// θα = (1 − α)·θ0 + α·θ1 for the model or each layer, and the distance each layer travelled.
/// </summary>
public sealed class LinearPathContributor : StoredAnalysisContributor
{
    /// <summary>The most curves drawn per chart (a per-parameter analysis has one per sampled scalar).</summary>
    public const int MaxCurves = 12;

    /// <inheritdoc/>
    protected override string Kind => "linear_path";

    /// <summary>Makes the panels of a linear-path analysis.</summary>
    /// <param name="points">The points.</param>
    /// <param name="distances">The distances.</param>
    /// <param name="origin">Which analysis it is, for captions.</param>
    /// <returns>Loss curves, accuracy curves (when finite) and the distance per layer (when there are layer rows).</returns>
    public static IReadOnlyList<ReportPanel> Panels(IReadOnlyList<LinearPathPoint> points, IReadOnlyList<ParameterDistance> distances, string origin)
    {
        ArgumentNullException.ThrowIfNull(points);
        ArgumentNullException.ThrowIfNull(distances);
        var panels = new List<ReportPanel>();
        List<IGrouping<string, LinearPathPoint>> targets = [.. points.GroupBy(p => p.Target)];
        if (targets.Count > 0)
        {
            string scope = targets[0].First().Scope;
            string left = targets.Count > MaxCurves ? $"; the first {MaxCurves} of {targets.Count} curves" : "";
            var all = new ReportOptions { MaxPoints = ReportOptions.MaxPointsLimit };
            ReportSeries Curve(IGrouping<string, LinearPathPoint> g, Func<LinearPathPoint, double> value)
            {
                List<LinearPathPoint> sorted = [.. g.OrderBy(p => p.Alpha)];
                return RunReportBuilder.Series(g.Key, [.. sorted.Select(p => p.Alpha)], [.. sorted.Select(value)], all);
            }

            string what = scope switch { "model" => "the whole model", "layer" => "each layer (the others at θ1)", _ => "sampled scalars of each layer" };
            panels.Add(new LinesPanel
            {
                Title = "Loss along the linear path θ0 → θ1 (002 Fig. 3)",
                Caption = $"{what} moved from α = 0 (θ0) to α = 1 (θ1){left}; {origin}",
                XLabel = "α",
                YLabel = "loss",
                Series = [.. targets.Take(MaxCurves).Select(g => Curve(g, p => p.Loss))],
            });
            if (points.Any(p => double.IsFinite(p.Accuracy)))
            {
                panels.Add(new LinesPanel
                {
                    Title = "Accuracy along the linear path θ0 → θ1",
                    Caption = $"{what}{left}; {origin}",
                    XLabel = "α",
                    YLabel = "accuracy",
                    Series = [.. targets.Take(MaxCurves).Select(g => Curve(g, p => p.Accuracy))],
                });
            }
        }

        List<ParameterDistance> layers = [.. distances.Where(d => d.Scope == "layer")];
        if (layers.Count > 0)
        {
            ParameterDistance? model = distances.FirstOrDefault(d => d.Scope == "model");
            panels.Add(new BarsPanel
            {
                Title = "Distance travelled per layer ‖θ1 − θ0‖₂ (002)",
                Caption = "relative to ‖θ0‖₂: " + string.Join(", ", layers.Select(d => $"{d.Target} {F(d.RelativeDistance)}"))
                    + (model is null ? "" : $"; whole model {F(model.Distance)} ({F(model.RelativeDistance)} of ‖θ0‖₂)") + $"; {origin}",
                Categories = [.. layers.Select(d => d.Target)],
                YLabel = "‖θ1 − θ0‖₂",
                Series = [new BarSeries("distance", [.. layers.Select(d => d.Distance)])],
            });
        }

        return panels;
    }

    /// <inheritdoc/>
    protected override IReadOnlyList<ReportPanel> Panels(AnalysisStore analyses, AnalysisInfo analysis, string origin) => Panels(
        analyses.ReadRows<LinearPathPoint>("linear_path", analysis.Id),
        analyses.ReadRows<ParameterDistance>("parameter_distance", analysis.Id),
        origin);

    private static string F(double v) => v.ToString("G3", CultureInfo.InvariantCulture);
}
