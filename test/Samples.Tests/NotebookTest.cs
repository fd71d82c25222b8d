using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.DotNet.Interactive;
using Microsoft.DotNet.Interactive.Commands;
using Microsoft.DotNet.Interactive.CSharp;
using Microsoft.DotNet.Interactive.Events;

namespace MLGradientInsight.Samples.Tests;

/// <summary>
/// Runs every code cell of <c>samples/gradient-activity.ipynb</c> in the .NET Interactive C# kernel, in order, and fails
/// on the first cell that errors.
/// </summary>
/// <remarks>
/// CI has no network for NuGet, so <c>#r "nuget: …"</c> lines are pointed at the same packages this test project
/// restored, and <c>#r "../src/…/X.dll"</c> at the copy of X built next to this test (same configuration); in a Release
/// build the notebook's own relative paths are checked to exist as written.
/// </remarks>
[TestClass]
[DoNotParallelize]
public sealed partial class NotebookTest
{
    public TestContext TestContext { get; set; } = null!;

    [TestMethod]
    public async Task Every_cell_of_the_gradient_activity_notebook_runs_and_shows_its_charts()
    {
        string notebook = Path.Combine(RepositoryRoot(), "samples", "gradient-activity.ipynb");
        List<string> cells = CodeCells(notebook);
        Assert.IsGreaterThanOrEqualTo(4, cells.Count);

        string work = Path.Combine(Path.GetTempPath(), "mlgi-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(work);
        string previous = Directory.GetCurrentDirectory();
        Directory.SetCurrentDirectory(work);
        try
        {
            using var kernel = new CSharpKernel();
            var html = new List<string>();
            string? lastText = null;
            for (int i = 0; i < cells.Count; i++)
            {
                string code = Resolve(cells[i], Path.GetDirectoryName(notebook)!);
                KernelCommandResult result = await kernel.SendAsync(new SubmitCode(code), TestContext.CancellationToken);
                CommandFailed? failed = result.Events.OfType<CommandFailed>().FirstOrDefault();
                Assert.IsNull(failed, $"cell {i + 1} failed: {failed?.Message}\n{failed?.Exception}\n--- cell ---\n{cells[i]}");
                foreach (DisplayEvent shown in result.Events.OfType<DisplayEvent>())
                {
                    html.AddRange(shown.FormattedValues.Where(v => v.MimeType == "text/html").Select(v => v.Value));
                    lastText = shown.FormattedValues.FirstOrDefault(v => v.MimeType == "text/plain")?.Value ?? lastText;
                }
            }

            // The trace and the stored run were shown as the report's charts (with their data), not as object dumps.
            string[] charts = html.Where(h => h.Contains("new MlgiReport(", StringComparison.Ordinal)).ToArray();
            Assert.HasCount(2, charts, "the in-memory trace and the stored run render as charts");
            StringAssert.Contains(charts[0], "\"networkActivity\":{\"name\":\"trace\"");
            StringAssert.Contains(charts[1], "\"name\":\"notebook\"");
            Assert.IsTrue(File.Exists(Path.Combine(work, "notebook-runs.db")), "the notebook recorded a run store");
            StringAssert.Matches(html.Concat([lastText ?? ""]).Last(s => s.Contains("network rows", StringComparison.Ordinal)), NetworkRows());
        }
        finally
        {
            Directory.SetCurrentDirectory(previous);
            try
            {
                Directory.Delete(work, recursive: true);
            }
            catch (IOException)
            {
                // Best effort.
            }
        }
    }

    private static List<string> CodeCells(string notebook)
    {
        using JsonDocument document = JsonDocument.Parse(File.ReadAllText(notebook));
        return document.RootElement.GetProperty("cells").EnumerateArray()
            .Where(c => c.GetProperty("cell_type").GetString() == "code")
            .Select(c => string.Concat(c.GetProperty("source").EnumerateArray().Select(l => l.GetString())))
            .ToList();
    }

    private static string Resolve(string code, string notebookFolder) => Reference().Replace(code, m =>
    {
        string target = m.Groups[1].Value;
        if (target.StartsWith("nuget:", StringComparison.Ordinal))
        {
            string package = target["nuget:".Length..].Split(',')[0].Trim();
            string[] assemblies = Directory.GetFiles(AppContext.BaseDirectory, package + "*.dll");
            Assert.IsNotEmpty(assemblies, $"the test project does not reference the notebook's package {package}");
            return string.Join('\n', assemblies.Select(a => $"#r \"{a}\""));
        }

        string asWritten = Path.GetFullPath(Path.Combine(notebookFolder, target));
        if (AppContext.BaseDirectory.Contains($"{Path.DirectorySeparatorChar}Release{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
        {
            Assert.IsTrue(File.Exists(asWritten), $"the notebook references {target}, which does not exist ({asWritten})");
        }

        return $"#r \"{Path.Combine(AppContext.BaseDirectory, Path.GetFileName(target))}\"";
    });

    private static string RepositoryRoot()
    {
        for (DirectoryInfo? d = new(AppContext.BaseDirectory); d is not null; d = d.Parent)
        {
            if (File.Exists(Path.Combine(d.FullName, "MLGradientInsight.sln")))
            {
                return d.FullName;
            }
        }

        throw new InvalidOperationException("The test runs outside the repository: MLGradientInsight.sln not found above " + AppContext.BaseDirectory);
    }

    [GeneratedRegex("""^#r\s+"([^"]+)"\s*$""", RegexOptions.Multiline)]
    private static partial Regex Reference();

    [GeneratedRegex(@"\d+ columns .*; [1-9]\d* network rows, mean activity \d")]
    private static partial Regex NetworkRows();
}
