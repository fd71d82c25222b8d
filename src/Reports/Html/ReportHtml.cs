using System.Net;
using System.Text.Json;
using MLGradientInsight.Reports.Model;

namespace MLGradientInsight.Reports.Html;

/// <summary>Writes the self-contained HTML report: one file with the data, uPlot and the renderer inline, so it opens offline.</summary>
public static class ReportHtml
{
    /// <summary>Writes a report of one or more runs (several runs are overlaid on every chart).</summary>
    /// <param name="writer">The destination.</param>
    /// <param name="reports">The runs' reports (at least one).</param>
    /// <param name="title">The page title, or null for the run names.</param>
    /// <exception cref="ArgumentException"><paramref name="reports"/> is empty.</exception>
    public static void Write(TextWriter writer, IReadOnlyList<RunReport> reports, string? title = null)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(reports);
        if (reports.Count == 0)
        {
            throw new ArgumentException("A report needs at least one run.", nameof(reports));
        }

        title ??= "MLGradientInsight report: " + string.Join(", ", reports.Select(r => r.Run.Name.Length > 0 ? r.Run.Name : r.Run.Id));
        string json = JsonSerializer.Serialize(reports, ReportJson.Options);
        writer.Write($"""
            <!DOCTYPE html>
            <html lang="en">
            <head>
            <meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <meta name="generator" content="MLGradientInsight mlgi report">
            <title>{WebUtility.HtmlEncode(title)}</title>
            <style>{ReportAssets.Inline(ReportAssets.Read("uPlot.min.css"))}</style>
            <style>{ReportAssets.Inline(ReportAssets.Read("report.css"))}</style>
            </head>
            <body>
            <h1>{WebUtility.HtmlEncode(title)}</h1>
            <div class="mlgi-toolbar">Drag on a step chart to zoom all step charts, double-click to reset.
            <label><input type="checkbox" id="mlgi-log"> logarithmic activity axis</label>
            · generated {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC · charts: uPlot 1.6.32 (MIT)</div>
            <div id="mlgi-report"></div>
            <script type="application/json" id="mlgi-data">{json}</script>
            <script>{ReportAssets.Inline(ReportAssets.Read("uPlot.iife.min.js"))}</script>
            <script>{ReportAssets.Inline(ReportAssets.Read("report.js"))}</script>
            <script>
            const report = new MlgiReport(document.getElementById('mlgi-report'));
            report.render(JSON.parse(document.getElementById('mlgi-data').textContent));
            document.getElementById('mlgi-log').addEventListener('change', e => report.setLogActivity(e.target.checked));
            window.mlgiReport = report;
            </script>
            <!-- uPlot licence:
            {ReportAssets.Read("uPlot.LICENSE.txt").Replace("--", "- -", StringComparison.Ordinal)}
            -->
            </body>
            </html>

            """);
    }

    /// <summary>
    /// Makes an HTML fragment that draws the reports where it is inserted (a notebook output cell): a uniquely named
    /// container, the style sheets, uPlot, the renderer and the data, all inline.
    /// </summary>
    /// <param name="reports">The runs' reports (at least one).</param>
    /// <returns>The fragment.</returns>
    /// <exception cref="ArgumentException"><paramref name="reports"/> is empty.</exception>
    public static string Fragment(IReadOnlyList<RunReport> reports)
    {
        ArgumentNullException.ThrowIfNull(reports);
        if (reports.Count == 0)
        {
            throw new ArgumentException("A report needs at least one run.", nameof(reports));
        }

        string id = "mlgi-" + Guid.NewGuid().ToString("N");
        string json = JsonSerializer.Serialize(reports, ReportJson.Options);
        return $$"""
            <div class="mlgi-fragment" id="{{id}}"></div>
            <style>{{ReportAssets.Inline(ReportAssets.Read("uPlot.min.css"))}}</style>
            <style>{{ReportAssets.Inline(ReportAssets.Read("report.css"))}}</style>
            <script>if (!window.uPlot) { {{ReportAssets.Inline(ReportAssets.Read("uPlot.iife.min.js"))}}; window.uPlot = uPlot; }</script>
            <script>if (!window.MlgiReport) { {{ReportAssets.Inline(ReportAssets.Read("report.js"))}} }</script>
            <script>new MlgiReport(document.getElementById('{{id}}')).render({{json}});</script>
            """;
    }

    /// <summary>Writes the report to a file (atomically: a temporary file renamed into place).</summary>
    /// <param name="path">The HTML file.</param>
    /// <param name="reports">The runs' reports.</param>
    /// <param name="title">The page title, or null.</param>
    public static void Write(string path, IReadOnlyList<RunReport> reports, string? title = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        string full = Path.GetFullPath(path);
        string temporary = full + ".tmp";
        using (var writer = new StreamWriter(temporary, append: false, new System.Text.UTF8Encoding(false)))
        {
            Write(writer, reports, title);
        }

        File.Move(temporary, full, overwrite: true);
    }
}
