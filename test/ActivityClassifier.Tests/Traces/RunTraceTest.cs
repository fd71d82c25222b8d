using MLGradientInsight.ActivityClassifier.Features;
using MLGradientInsight.ActivityClassifier.Traces;
using MLGradientInsight.Transforms.Activity;
using MLGradientInsight.Transforms.Store;
using MLGradientInsight.Transforms.Traces;

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

    [TestMethod]
    public void Norms_AreCarriedPerLayerAndNaNWhereAbsent()
    {
        RunTrace t = RunTrace.FromRecords(
        [
            new() { Step = 2, Layer = "fc1", Activity = 1, GradientNorm = 3, WeightNorm = 4, UpdateNorm = 0.01 },
            new() { Step = 1, Layer = "fc1", Activity = 1, GradientNorm = 2, WeightNorm = 5, UpdateNorm = 0.02 },
            new() { Step = 1, Layer = "fc2", Activity = 1 },
            new() { Step = 1, Layer = "network", Activity = 1, GradientNorm = 9, WeightNorm = 9, UpdateNorm = 9 },
        ])[0];
        LayerTrace fc1 = t.Layers[0], fc2 = t.Layers[1];
        CollectionAssert.AreEqual(new[] { 2.0, 3.0 }, fc1.GradientNorm.ToArray(), "sorted by step");
        CollectionAssert.AreEqual(new[] { 5.0, 4.0 }, fc1.WeightNorm.ToArray());
        CollectionAssert.AreEqual(new[] { 0.02, 0.01 }, fc1.UpdateNorm.ToArray());
        Assert.IsTrue(fc2.GradientNorm.All(double.IsNaN) && fc2.WeightNorm.All(double.IsNaN) && fc2.UpdateNorm.All(double.IsNaN));
        Assert.IsTrue(t.HasNorms);
        Assert.IsTrue(fc1.HasNorms);
        Assert.IsFalse(fc2.HasNorms);

        RunTrace stripped = t.WithoutNorms();
        Assert.IsFalse(stripped.HasNorms);
        CollectionAssert.AreEqual(t.Layers[0].Activity.ToArray(), stripped.Layers[0].Activity.ToArray());
        Assert.IsFalse(t.WithoutOptionalColumns().HasNorms, "only step, layer, activity, loss");
        Assert.AreEqual(1, t.Prefix(1).Layers[0].GradientNorm.Count);
        Assert.AreEqual(2.0, t.Prefix(1).Layers[0].GradientNorm[0]);
    }

    [TestMethod]
    public void TraceCsv_WithAndWithoutNormColumns()
    {
        const string withNorms = "step,layer,activity,loss,grad_norm,weight_norm,update_norm\n1,network,0.5,2.3,,,\n1,fc1,0.4,,1.5,2.5,0.001\n2,fc1,0.6,,NaN,2.6,0.002\n";
        RunTrace t = RunTrace.FromRecords(TraceCsv.Read(new StringReader(withNorms), "norms.csv"))[0];
        CollectionAssert.AreEqual(new[] { 1.5, double.NaN }, t.Layers[0].GradientNorm.ToArray());
        CollectionAssert.AreEqual(new[] { 2.5, 2.6 }, t.Layers[0].WeightNorm.ToArray());
        CollectionAssert.AreEqual(new[] { 0.001, 0.002 }, t.Layers[0].UpdateNorm.ToArray());

        const string minimal = "step,layer,activity,loss\n1,network,0.5,2.3\n1,fc1,0.4,\n";
        Assert.IsFalse(RunTrace.FromRecords(TraceCsv.Read(new StringReader(minimal), "minimal.csv"))[0].HasNorms);
    }

    [TestMethod]
    public void RunStore_NormsSurviveTheRoundTrip()
    {
        string folder = Path.Combine(Path.GetTempPath(), "mlgi-norms-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        try
        {
            RunStore store = RunStore.Open(Path.Combine(folder, "runs.db"));
            string id;
            using (RunWriter writer = store.StartRun("norms"))
            {
                id = writer.RunId;
                writer.WriteActivity(
                [
                    new ActivityRecord { Step = 1, Layer = "network", Activity = 0.5, Loss = 2 },
                    new ActivityRecord { Step = 1, Layer = "fc1", Activity = 0.5, GradientNorm = 1.25, WeightNorm = 3.5, UpdateNorm = 0.004 },
                ]);
                writer.Complete();
            }

            LayerTrace fc1 = RunTrace.FromRecords(store.ReadActivity(id))[0].Layers.Single();
            Assert.AreEqual(1.25, fc1.GradientNorm[0]);
            Assert.AreEqual(3.5, fc1.WeightNorm[0]);
            Assert.AreEqual(0.004, fc1.UpdateNorm[0]);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}
