using System.Globalization;
using MLGradientInsight.Analyses.GradientSpace;
using MLGradientInsight.Analyses.Storage;
using MLGradientInsight.Reports.Model;
using MLGradientInsight.Transforms.Store;

namespace MLGradientInsight.Reports.Contributors;

/// <summary>
/// The first layer's importance map (003, SNIP; <c>mlgi importance</c>) as an image, drawn by the same PNG writer as
/// <c>mlgi importance --image map.png</c> (<see cref="HeatMapPng"/>): darker = more important, red = not finite.
/// </summary>
public sealed class ImportanceContributor : IReportContributor
{
    /// <summary>Pixels per map cell in the PNG.</summary>
    public const int CellSize = 8;

    /// <inheritdoc/>
    public IEnumerable<ReportPanel> Contribute(RunStore store, RunInfo run)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(run);
        IReadOnlyList<ImportanceMapRecord> maps = AnalysisStore.OpenForReading(store).ReadImportanceMaps(run.Id);
        return maps.Count == 0 ? [] : [Panel(maps[^1], maps.Count)];
    }

    /// <summary>Makes the image panel of a saved map.</summary>
    /// <param name="map">The map.</param>
    /// <param name="saved">How many maps the run has (the latest is drawn).</param>
    /// <returns>The panel: the values row-major and the PNG.</returns>
    public static ImagePanel Panel(ImportanceMapRecord map, int saved = 1)
    {
        ArgumentNullException.ThrowIfNull(map);
        int rows = map.Map.GetLength(0), columns = map.Map.GetLength(1);
        double[] values = new double[map.Map.Length];
        int i = 0;
        foreach (float v in map.Map)
        {
            values[i++] = v;
        }

        using var png = new MemoryStream();
        HeatMapPng.Write(map.Map, png, CellSize);
        return new ImagePanel
        {
            Title = $"First-layer importance map, {map.Criterion} (003)",
            Caption = $"importance of each input pixel's edges into the first layer, summed over its units, over {map.Samples.ToString("N0", CultureInfo.InvariantCulture)} samples; "
                + $"analysis {map.Id} of {map.CreatedUtc}{(saved > 1 ? $" (the latest of {saved})" : "")}",
            Width = columns,
            Height = rows,
            Values = values,
            ValueLabel = map.Criterion,
            PngBase64 = Convert.ToBase64String(png.GetBuffer(), 0, (int)png.Length),
            ColorKey = $"darker = more important (white {Min(values)} → black {Max(values)}); red = not finite",
        };
    }

    private static string Min(double[] v) => F(v.Where(double.IsFinite).DefaultIfEmpty(double.NaN).Min());

    private static string Max(double[] v) => F(v.Where(double.IsFinite).DefaultIfEmpty(double.NaN).Max());

    private static string F(double v) => v.ToString("G4", CultureInfo.InvariantCulture);
}
