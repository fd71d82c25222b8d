using MLGradientInsight.Reports.Contributors;
using MLGradientInsight.Reports.Model;
using MLGradientInsight.Transforms.Store;
using MLGradientInsight.Transforms.Tests.Store;

namespace MLGradientInsight.Reports.Tests.Contributors;

[TestClass]
public sealed class StepMarkersContributorTest
{
    [TestMethod]
    public void Events_from_any_source_become_markers_in_step_order_and_reach_the_report()
    {
        using var folder = new TempFolder();
        RunStore store = RunStore.Open(folder.File("runs.db"));
        string run = RunReportBuilderTest.WriteRun(store, 100);
        string other = RunReportBuilderTest.WriteRun(store, 10);
        var log = new[] { (Run: run, Step: 80L, Action: "lr × 0.5"), (Run: run, Step: 20L, Action: "lr × 2"), (Run: other, Step: 5L, Action: "lr × 2") };
        var contributor = new StepMarkersContributor("Applied actions", "learning-rate changes", (_, r) => log.Where(a => a.Run == r.Id).Select(a => new StepMarker(a.Step, a.Action)));

        RunReport report = RunReportBuilder.Build(store, run, new ReportOptions { Contributors = [contributor] });

        StepMarkersPanel panel = (StepMarkersPanel)report.Panels.Single();
        CollectionAssert.AreEqual(new[] { new StepMarker(20, "lr × 2"), new StepMarker(80, "lr × 0.5") }, panel.Markers.ToList());
        Assert.AreEqual("2 learning-rate changes", panel.Caption);
        RunInfo empty = store.GetRun(RunReportBuilderTest.WriteRun(store, 5));
        Assert.IsEmpty(contributor.Contribute(store, empty).ToList(), "no events: no panel");
    }
}
