using MLGradientInsight.ActivityClassifier.Features;
using MLGradientInsight.ActivityClassifier.Traces;
using MLGradientInsight.Transforms.Activity;

namespace MLGradientInsight.ActivityClassifier.Tests.Traces;

[TestClass]
public sealed class RunTraceTest
{
    [TestMethod]
    public void Records_AreGroupedByRunAndSortedByStep()
    {
        var records = new List<ActivityRecord>
        {
            new() { Run = "b", Step = 5, Layer = "network", Activity = 1, Loss = 2 },
            new() { Run = "a", Step = 3, Layer = "fc1", Activity = 0.5 },
            new() { Run = "a", Step = 1, Layer = "network", Activity = 0.7, Loss = 3 },
            new() { Run = "a", Step = 1, Layer = "fc1", Activity = 0.6 },
            new() { Run = "a", Step = 3, Layer = "fc2", Activity = 1.5, Loss = 2.5 },
        };
        IReadOnlyList<RunTrace> traces = RunTrace.FromRecords(records);
        Assert.HasCount(2, traces);
        RunTrace a = traces.Single(t => t.Run == "a");
        CollectionAssert.AreEqual(new long[] { 1, 3 }, a.Steps.ToArray());
        Assert.AreEqual(0.7, a.Activity[0]);
        Assert.AreEqual(1.0, a.Activity[1], 1e-12, "no network row at step 3: the mean of the layers");
        Assert.AreEqual(2.5, a.Loss[1]);
        Assert.HasCount(2, a.Layers);
        Assert.IsTrue(double.IsNaN(a.Layers[1].Activity[0]), "fc2 has no row at step 1");
    }

    [TestMethod]
    public void RepeatedStep_KeepsTheLaterRowAndCountsIt()
    {
        RunTrace t = RunTrace.FromRecords(
        [
            new() { Step = 1, Layer = "network", Activity = 1 },
            new() { Step = 1, Layer = "network", Activity = 2 },
        ])[0];
        Assert.AreEqual(2.0, t.Activity[0]);
        Assert.AreEqual(1, t.ReplacedRows);
    }

    [TestMethod]
    [DataRow(600L, 75)]
    [DataRow(100L, 50)]
    [DataRow(100_000L, 1000)]
    public void WindowLength_IsRelativeAndBounded(long span, int expected) => Assert.AreEqual(expected, TraceWindower.WindowLength(span));

    [TestMethod]
    public void Windows_CoverTheRunAndTheLastEndsAtTheLastStep()
    {
        RunTrace t = RunTrace.FromRecords(TestData.Trace("r", steps: 1000, layers: 2, trend: 0, noise: 0.2, lossTrend: -1, seed: 1))[0];
        TraceWindow[] network = [.. TraceWindower.Windows(t).Where(w => w.IsNetwork)];
        Assert.AreEqual(12, network[0].StartStep);
        Assert.AreEqual(1011, network[^1].EndStep);
        Assert.IsTrue(network.All(w => w.EndStep - w.StartStep + 1 == 125));
        Assert.AreEqual(3 * network.Length, TraceWindower.Windows(t).Count());
    }
}
