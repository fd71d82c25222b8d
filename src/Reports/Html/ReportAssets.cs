using System.Reflection;

namespace MLGradientInsight.Reports.Html;

/// <summary>The embedded files that draw reports: uPlot (vendored, MIT) and our renderer and style sheet.</summary>
public static class ReportAssets
{
    private static readonly Dictionary<string, string> s_files = new(StringComparer.Ordinal)
    {
        ["uPlot.iife.min.js"] = "uplot/uPlot.iife.min.js",
        ["uPlot.min.css"] = "uplot/uPlot.min.css",
        ["uPlot.LICENSE.txt"] = "uplot/LICENSE",
        ["report.js"] = "report.js",
        ["report.css"] = "report.css",
    };

    private static readonly Dictionary<string, string> s_cache = new(StringComparer.Ordinal);

    /// <summary>Gets the names of the assets (the only names <see cref="Read"/> accepts).</summary>
    public static IReadOnlyCollection<string> Names => s_files.Keys;

    /// <summary>Reads an asset's text.</summary>
    /// <param name="name">One of <see cref="Names"/>.</param>
    /// <returns>The text.</returns>
    /// <exception cref="KeyNotFoundException"><paramref name="name"/> is not an asset.</exception>
    public static string Read(string name)
    {
        if (!s_files.TryGetValue(name, out string? resource))
        {
            throw new KeyNotFoundException($"'{name}' is not a report asset; the assets are {string.Join(", ", s_files.Keys)}.");
        }

        lock (s_cache)
        {
            if (!s_cache.TryGetValue(name, out string? text))
            {
                using Stream stream = typeof(ReportAssets).Assembly.GetManifestResourceStream("MLGradientInsight.Reports.Assets." + resource)
                    ?? throw new InvalidOperationException($"The embedded resource for '{name}' is missing from {typeof(ReportAssets).Assembly.GetName().Name}; rebuild the project.");
                using var reader = new StreamReader(stream);
                text = reader.ReadToEnd();
                s_cache.Add(name, text);
            }

            return text;
        }
    }

    /// <summary>Gets the content type of an asset for HTTP.</summary>
    /// <param name="name">One of <see cref="Names"/>.</param>
    /// <returns>The content type.</returns>
    public static string ContentType(string name) => Path.GetExtension(name) switch
    {
        ".js" => "text/javascript; charset=utf-8",
        ".css" => "text/css; charset=utf-8",
        _ => "text/plain; charset=utf-8",
    };

    /// <summary>Makes text safe inside an inline <c>&lt;script&gt;</c> or <c>&lt;style&gt;</c> element.</summary>
    internal static string Inline(string text) => text.Replace("</", "<\\/", StringComparison.Ordinal);
}
