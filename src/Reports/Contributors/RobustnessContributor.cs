using System.Globalization;
using MLGradientInsight.Analyses.Robustness;
using MLGradientInsight.Analyses.Storage;
using MLGradientInsight.Reports.Model;

namespace MLGradientInsight.Reports.Contributors;

/// <summary>
/// Which layers matter (Zhang, Bengio &amp; Singer 2019, with 002; <c>mlgi robustness</c>): the damage when each layer is reset
/// to θ0 and to a fresh draw, with the critical layers named.
/// </summary>
public sealed class RobustnessContributor : StoredAnalysisContributor
{
    /// <inheritdoc/>
    protected override string Kind => "robustness";

    /// <summary>Makes the panel of a robustness analysis.</summary>
    /// <param name="layers">The rows (layer × reset mode).</param>
    /// <param name="origin">Which analysis it is, for captions.</param>
    /// <returns>One bars panel (none when there are no rows).</returns>
    public static IReadOnlyList<ReportPanel> Panels(IReadOnlyList<LayerRobustness> layers, string origin)
    {
        ArgumentNullException.ThrowIfNull(layers);
        if (layers.Count == 0)
        {
            return [];
        }

        List<string> names = [.. layers.Select(l => l.Layer).Distinct()];
        List<string> modes = [.. layers.Select(l => l.Mode).Distinct()];
        List<string> critical = [.. layers.Where(l => l.Verdict == "critical").Select(l => $"{l.Layer} ({l.Mode})")];
        bool classification = layers.Any(l => double.IsFinite(l.Accuracy));
        return
        [
            new BarsPanel
            {
                Title = "Damage when one layer is reset (re-initialisation / re-randomisation)",
                Caption = $"damage = {(classification ? "rise of the error" : "relative rise of the loss")}; critical at ≥ {layers[0].Threshold.ToString("0.##", CultureInfo.InvariantCulture)}: "
                    + (critical.Count == 0 ? "no layer is critical" : string.Join(", ", critical)) + $"; {origin}",
                Categories = names,
                YLabel = "damage",
                Series = [.. modes.Select(m => new BarSeries(m, [.. names.Select(n => layers.FirstOrDefault(l => l.Layer == n && l.Mode == m)?.Damage ?? double.NaN)]))],
            },
        ];
    }

    /// <inheritdoc/>
    protected override IReadOnlyList<ReportPanel> Panels(AnalysisStore analyses, AnalysisInfo analysis, string origin) =>
        Panels(analyses.ReadRows<LayerRobustness>("layer_robustness", analysis.Id), origin);
}
