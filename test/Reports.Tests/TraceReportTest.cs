using MLGradientInsight.Reports.Html;
using MLGradientInsight.Reports.Model;
using MLGradientInsight.Transforms.Activity;

namespace MLGradientInsight.Reports.Tests;

[TestClass]
public sealed class TraceReportTest
{
    private static IEnumerable<ActivityRecord> Trace()
    {
        for (long step = 1; step <= 30; step++)
        {
            yield return new ActivityRecord { Step = step, Epoch = 1, Layer = ActivityRecord.NetworkLayer, Activity = step, Loss = 10.0 / step, LearningRate = 0.1 };
            yield return new ActivityRecord { Step = step, Epoch = 1, Layer = "conv1", Activity = step * 2, Loss = 10.0 / step, LearningRate = 0.1 };
        }
    }

    [TestMethod]
    public void An_in_memory_trace_reports_activity_loss_and_learning_rate_from_its_rows()
    {
        RunReport report = RunReportBuilder.Build("trace", Trace());

        Assert.AreEqual("trace", report.Run.Name);
        Assert.AreEqual(30, report.LastStep);
        CollectionAssert.AreEqual(Enumerable.Range(1, 30).Select(s => (double)s).ToArray(), report.NetworkActivity.Values);
        Assert.AreEqual(60.0, report.LayerActivity.Single(l => l.Name == "conv1").Values[^1]);
        Assert.AreEqual(1.0, report.Loss.Values[9], 1e-12);
        Assert.AreEqual(30, report.LearningRate.Values.Length);
    }

    [TestMethod]
    public void A_fragment_draws_into_its_own_container_with_everything_inline()
    {
        RunReport report = RunReportBuilder.Build("trace", Trace());

        string first = ReportHtml.Fragment([report]);
        string second = ReportHtml.Fragment([report]);

        string id = first[(first.IndexOf("id=\"", StringComparison.Ordinal) + 4)..];
        id = id[..id.IndexOf('"', StringComparison.Ordinal)];
        Assert.IsTrue(first.Contains($"new MlgiReport(document.getElementById('{id}'))", StringComparison.Ordinal));
        Assert.IsFalse(second.Contains(id, StringComparison.Ordinal), "two outputs in one notebook must not share a container");
        Assert.IsTrue(first.Contains("uPlot (v1.6.32)", StringComparison.Ordinal));
        Assert.IsTrue(first.Contains("\"name\":\"conv1\"", StringComparison.Ordinal));
        Assert.ThrowsExactly<ArgumentException>(() => ReportHtml.Fragment([]));
    }
}
