using System.Text.Json;
using System.Text.RegularExpressions;
using MLGradientInsight.Reports.Html;
using MLGradientInsight.Reports.Model;
using MLGradientInsight.Transforms.Store;
using MLGradientInsight.Transforms.Tests.Store;

namespace MLGradientInsight.Reports.Tests.Html;

[TestClass]
public sealed partial class ReportHtmlTest
{
    [TestMethod]
    public void The_report_is_one_file_that_loads_nothing_from_outside()
    {
        using var folder = new TempFolder();
        RunStore store = RunStore.Open(folder.File("runs.db"));
        string id = RunReportBuilderTest.WriteRun(store, 50);
        string path = folder.File("report.html");

        ReportHtml.Write(path, [RunReportBuilder.Build(store, id)]);

        string html = File.ReadAllText(path);
        Assert.IsTrue(html.StartsWith("<!DOCTYPE html>", StringComparison.Ordinal));
        Assert.IsTrue(html.Contains("/*! https://github.com/leeoniya/uPlot (v1.6.32) */", StringComparison.Ordinal), "uPlot is inline");
        Assert.IsTrue(html.Contains("global.MlgiReport = Report", StringComparison.Ordinal), "the renderer is inline");
        Assert.IsFalse(ExternalReference().IsMatch(html), "no src=/href= attribute: nothing is fetched");
        Assert.IsFalse(File.Exists(path + ".tmp"));
    }

    [TestMethod]
    public void The_embedded_data_reads_back_and_a_hostile_run_name_cannot_end_the_script()
    {
        var report = new RunReport
        {
            Run = new RunInfo { Id = "r12345678", Name = "</script><script>alert(1)</script>" },
            NetworkActivity = new ReportSeries { Name = "network", X = [1, 2], Values = [0.5, 0.25], SourcePoints = 2 },
            Panels = [new TextPanel { Title = "diagnosis", Text = "uniform" }],
        };
        var writer = new StringWriter();

        ReportHtml.Write(writer, [report]);

        string html = writer.ToString();
        Assert.AreEqual(0, Regex.Matches(html, "<script>alert").Count);
        Match data = DataScript().Match(html);
        Assert.IsTrue(data.Success);
        RunReport[] read = JsonSerializer.Deserialize<RunReport[]>(data.Groups[1].Value, ReportJson.Options)!;
        Assert.AreEqual(report.Run.Name, read[0].Run.Name);
        CollectionAssert.AreEqual(report.NetworkActivity.Values, read[0].NetworkActivity.Values);
        Assert.AreEqual("uniform", ((TextPanel)read[0].Panels[0]).Text);
    }

    [TestMethod]
    public void Every_asset_is_embedded_and_unknown_names_are_refused()
    {
        foreach (string name in ReportAssets.Names)
        {
            Assert.IsGreaterThan(100, ReportAssets.Read(name).Length, name);
        }

        StringAssert.Contains(ReportAssets.Read("uPlot.LICENSE.txt"), "MIT");
        Assert.ThrowsExactly<KeyNotFoundException>(() => ReportAssets.Read("../../etc/passwd"));
    }

    [TestMethod]
    public void A_report_without_runs_is_rejected() =>
        Assert.ThrowsExactly<ArgumentException>(() => ReportHtml.Write(new StringWriter(), []));

    [GeneratedRegex("""\s(src|href)\s*=""", RegexOptions.IgnoreCase)]
    private static partial Regex ExternalReference();

    [GeneratedRegex("""<script type="application/json" id="mlgi-data">(.*?)</script>""", RegexOptions.Singleline)]
    private static partial Regex DataScript();
}
