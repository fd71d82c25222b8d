using MLGradientInsight.Transforms.Activity;

namespace MLGradientInsight.Transforms.Tests.Activity;

[TestClass]
public sealed class GradientActivityTrackerTest
{
    private static readonly GradientActivityOptions s_plain = new() { AbsoluteThreshold = 0, RelativeThreshold = 0, WarmupSteps = 1, Smoothing = 0.5f, MaxDegreeOfParallelism = 1 };

    internal static GradientActivityTracker Single(int length, GradientActivityOptions options) =>
        new([new TrackedTensor("L", "L.weight", [length])], options);

    internal static bool Feed(GradientActivityTracker tracker, long step, params float[][] gradients)
    {
        tracker.BeginStep(step);
        for (int i = 0; i < gradients.Length; i++)
        {
            tracker.AddGradient(i, gradients[i]);
        }

        return tracker.EndStep();
    }

    [TestMethod]
    public void WarmupOfOne_HandComputedActivityAndSmoothing()
    {
        GradientActivityTracker t = Single(2, s_plain);
        Assert.IsFalse(Feed(t, 1, [1, 2]));
        Assert.IsFalse(Feed(t, 2, [2, 4]));                 // I = [1, 2] ⇒ M = [1, 2]
        CollectionAssert.AreEqual(new float[] { 1, 2 }, t.MeanOf(0).ToArray());
        Assert.IsTrue(Feed(t, 3, [5, 4]));                  // I = [3, 0]; dI = [2, 1]
        Assert.AreEqual(1.5, t.LastStep.Network.Activity, 1e-12);
        Assert.AreEqual(1.5, t.LastStep.Layer(0).Activity, 1e-12);
        Assert.AreEqual(1.5, t.LastStep.Layer(0).MeanChange, 1e-12); // mean of M = [1, 2] before the update
        CollectionAssert.AreEqual(new float[] { 2, 1 }, t.MeanOf(0).ToArray()); // 0.5·[1,2] + 0.5·[3,0]
        Assert.IsTrue(Feed(t, 4, [5, 5]));                  // I = [0, 1]; dI = [1, 0]
        Assert.AreEqual(0.5, t.LastStep.Network.Activity, 1e-12);
        Assert.AreEqual(0.0, t.LastStep.Network.ExcludedFraction);
    }

    [TestMethod]
    public void WarmupOfTwo_MIsMeanOfTwoChanges_AndActivityStartsAtStepFour()
    {
        GradientActivityTracker t = Single(1, s_plain with { WarmupSteps = 2 });
        Assert.IsFalse(Feed(t, 1, [0]));
        Assert.IsFalse(Feed(t, 2, [1]));                   // I = 1
        Assert.IsFalse(Feed(t, 3, [4]));                   // I = 3 ⇒ M = 2
        Assert.IsFalse(t.LastStep.HasActivity);
        Assert.IsTrue(double.IsNaN(t.LastStep.Network.Activity));
        Assert.AreEqual(2f, t.MeanOf(0)[0]);
        Assert.IsTrue(Feed(t, 4, [4]));                    // I = 0 ⇒ dI = 1
        Assert.AreEqual(1.0, t.LastStep.Network.Activity);
        Assert.AreEqual(4L, t.LastStep.Step);
    }

    [TestMethod]
    public void SmoothingZero_KeepsMeanAfterWarmup()
    {
        GradientActivityTracker t = Single(1, s_plain with { Smoothing = 0 });
        Feed(t, 1, [0]);
        Feed(t, 2, [3]);                                    // M = 3
        Feed(t, 3, [4]);                                    // I = 1: dI = 2/3
        Assert.AreEqual(2.0 / 3.0, t.LastStep.Network.Activity, 1e-7);
        Feed(t, 4, [10]);                                   // I = 6: dI = 1
        Assert.AreEqual(1.0, t.LastStep.Network.Activity, 1e-7);
        Assert.AreEqual(3f, t.MeanOf(0)[0]);
    }

    [TestMethod]
    public void SmoothingOne_MIsLastChange()
    {
        GradientActivityTracker t = Single(1, s_plain with { Smoothing = 1 });
        Feed(t, 1, [0]);
        Feed(t, 2, [2]);                                    // M = 2
        Feed(t, 3, [3]);                                    // I = 1: dI = 0.5, M = 1
        Assert.AreEqual(0.5, t.LastStep.Network.Activity, 1e-7);
        Assert.AreEqual(1f, t.MeanOf(0)[0]);
    }

    [TestMethod]
    public void AbsoluteThreshold_ExcludesValuesAtOrBelowIt()
    {
        // M after warm-up = [1, 0.01, 0.5]; threshold 0.01 excludes the middle one (M ≤ threshold).
        GradientActivityTracker t = Single(3, s_plain with { AbsoluteThreshold = 0.01f });
        Feed(t, 1, [0, 0, 0]);
        Feed(t, 2, [1, 0.01f, 0.5f]);
        Feed(t, 3, [4, 5, 0.5f]);                           // I = [3, ~4.99, 0.5]; dI = [2, -, 1]
        LayerActivity a = t.LastStep.Layer(0);
        Assert.AreEqual(1.5, a.Activity, 1e-6);
        Assert.AreEqual(1.0 / 3.0, a.ExcludedFraction, 1e-12);
        Assert.AreEqual(0.75, a.MeanChange, 1e-6);
    }

    [TestMethod]
    public void RelativeThreshold_UsesMeanOfAllValuesOfTheLayer_BoundaryIncluded()
    {
        // M = [0.5, 1.5, 0.2, 1.8]: mean 1.0; relative 0.5 ⇒ values with M < 0.5 are excluded, M = 0.5 is kept.
        GradientActivityTracker t = Single(4, s_plain with { RelativeThreshold = 0.5f });
        Feed(t, 1, [0, 0, 0, 0]);
        Feed(t, 2, [0.5f, 1.5f, 0.2f, 1.8f]);
        Feed(t, 3, [0.5f, 1.5f, 0.2f, 1.8f]);               // I = 0: dI = 1 for every included value
        LayerActivity a = t.LastStep.Layer(0);
        Assert.AreEqual(0.25, a.ExcludedFraction, 1e-12);
        Assert.AreEqual(1.0, a.Activity);
        Assert.AreEqual((0.5 + 1.5 + 1.8) / 3, a.MeanChange, 1e-6);
    }

    [TestMethod]
    public void RelativeThreshold_FollowsTheUpdatedMean()
    {
        // After step 3 M = 0.5·[0.5,1.5,0.2,1.8] + 0.5·[0,0,0,4] = [0.25,0.75,0.1,2.9]: mean 1.0 ⇒ threshold 0.5 excludes 0.25 and 0.1.
        GradientActivityTracker t = Single(4, s_plain with { RelativeThreshold = 0.5f });
        Feed(t, 1, [0, 0, 0, 0]);
        Feed(t, 2, [0.5f, 1.5f, 0.2f, 1.8f]);
        Feed(t, 3, [0.5f, 1.5f, 0.2f, 5.8f]);
        Feed(t, 4, [0.5f, 1.5f, 0.2f, 5.8f]);
        Assert.AreEqual(0.5, t.LastStep.Layer(0).ExcludedFraction, 1e-12);
    }

    [TestMethod]
    public void RootScaling_SquareRootAndCubeRoot()
    {
        // M = [1, 1]; I = [5, 2] ⇒ dI = [4, 1].
        foreach ((float p, double expected) in new[] { (1f, 2.5), (2f, 1.5), (3f, (Math.Cbrt(4) + 1) / 2) })
        {
            GradientActivityTracker t = Single(2, s_plain with { RootExponent = p });
            Feed(t, 1, [0, 0]);
            Feed(t, 2, [1, 1]);
            Feed(t, 3, [6, 3]);
            Assert.AreEqual(expected, t.LastStep.Network.Activity, 1e-6, $"p = {p}");
        }
    }

    [TestMethod]
    public void NetworkActivity_IsMeanOverAllValues_NotMeanOfLayerMeans()
    {
        // Layer A: 1 value with dI = 3; layer B: 3 values with dI = 1 ⇒ network (3 + 3) / 4 = 1.5, layer means average 2.
        var t = new GradientActivityTracker(
            [new TrackedTensor("A", "A.weight", [1]), new TrackedTensor("B", "B.weight", [3])], s_plain);
        Feed(t, 1, [0], [0, 0, 0]);
        Feed(t, 2, [1], [1, 1, 1]);
        Feed(t, 3, [5], [1, 1, 1]);                         // A: I = 4, dI = 3; B: I = 0, dI = 1
        Assert.AreEqual(3.0, t.LastStep.Layer(0).Activity, 1e-12);
        Assert.AreEqual(1.0, t.LastStep.Layer(1).Activity, 1e-12);
        Assert.AreEqual(1.5, t.LastStep.Network.Activity, 1e-12);
        Assert.AreEqual(4, t.LastStep.Network.Count);
    }

    [TestMethod]
    public void TensorsOfOneLayer_AreTrackedTogether_PerTensorSeparately()
    {
        TrackedTensor[] layout = [new("fc1", "fc1.weight", [2, 2]), new("fc1", "fc1.bias", [2]), new("fc2", "fc2.weight", [1, 2])];
        var byLayer = new GradientActivityTracker(layout, s_plain);
        var byTensor = new GradientActivityTracker(layout, s_plain with { PerTensor = true });
        Assert.AreEqual(2, byLayer.LayerCount);
        Assert.AreEqual("fc1", byLayer.LayerName(0));
        Assert.AreEqual(3, byTensor.LayerCount);
        Assert.AreEqual("fc1.bias", byTensor.LayerName(1));
        float[][][] steps = [[[0, 0, 0, 0], [0, 0], [0, 0]], [[1, 1, 1, 1], [1, 1], [1, 1]], [[4, 4, 4, 4], [1, 1], [1, 1]]];
        for (int s = 0; s < steps.Length; s++)
        {
            Feed(byLayer, s + 1, steps[s]);
            Feed(byTensor, s + 1, steps[s]);
        }

        // M = 1 everywhere; weight I = 3 ⇒ dI = 2 (×4); bias and fc2 I = 0 ⇒ dI = 1.
        Assert.AreEqual(10.0 / 6.0, byLayer.LastStep.Layer(0).Activity, 1e-12);
        Assert.AreEqual(2.0, byTensor.LastStep.Layer(0).Activity, 1e-12);
        Assert.AreEqual(1.0, byTensor.LastStep.Layer(1).Activity, 1e-12);
        Assert.AreEqual(6, byLayer.LastStep.Layer(0).Count);
        Assert.AreEqual(4, byTensor.LastStep.Layer(0).Count);
        Assert.AreEqual(1.5, byLayer.LastStep.Network.Activity, 1e-12);
        Assert.AreEqual(1.5, byTensor.LastStep.Network.Activity, 1e-12);
    }

    [TestMethod]
    public void LayerFilter_TracksOnlyNamedLayers_AndIgnoresOtherTensors()
    {
        TrackedTensor[] layout = [new("fc1", "fc1.weight", [2]), new("fc2", "fc2.weight", [1])];
        var t = new GradientActivityTracker(layout, s_plain with { Layers = ["fc2"] });
        Assert.AreEqual(1, t.LayerCount);
        Assert.AreEqual("fc2", t.LayerName(0));
        Feed(t, 1, [0, 0], [0]);
        Feed(t, 2, [9, 9], [1]);
        Feed(t, 3, [float.NaN, 0], [3]);                   // fc1 is not tracked: its NaN is not counted
        Assert.AreEqual(1.0, t.LastStep.Network.Activity, 1e-12);
        Assert.AreEqual(0, t.LastStep.Network.NonFiniteCount);
    }

    [TestMethod]
    public void UnitGrouping_SumsWeightRowPlusBias()
    {
        // fc: weight (2, 3), bias (2). Unit u value = Σ_j W[u, j] + b[u]; compare with a one-tensor tracker fed those sums.
        TrackedTensor[] layout = [new("fc", "fc.weight", [2, 3]), new("fc", "fc.bias", [2])];
        var grouped = new GradientActivityTracker(layout, s_plain with { Grouping = ActivityGrouping.Unit });
        GradientActivityTracker direct = Single(2, s_plain);
        Assert.AreEqual(2, grouped.UnitCount(0));
        var rng = new Random(5);
        for (int s = 1; s <= 6; s++)
        {
            float[] w = [.. Enumerable.Range(0, 6).Select(_ => (float)rng.NextDouble())];
            float[] b = [(float)rng.NextDouble(), (float)rng.NextDouble()];
            float[] units = [w[0] + w[1] + w[2] + b[0], w[3] + w[4] + w[5] + b[1]];
            Feed(grouped, s, w, b);
            Feed(direct, s, units);
            Assert.AreEqual(direct.LastStep.Network.Activity, grouped.LastStep.Network.Activity, 1e-5);
        }

        Assert.AreEqual(2, grouped.LastStep.Layer(0).Count);
        Assert.IsTrue(grouped.LastStep.HasActivity);
    }

    [TestMethod]
    public void UnitDetail_ElementGrouping_UnitActivityIsMeanOverRowAndBias()
    {
        // W (2, 2), b (2); M = 1 everywhere; step 3 changes: unit 0 → I = [3, 1, 0] ⇒ dI = [2, 0, 1] ⇒ 1; unit 1 → I = [1, 1, 5] ⇒ dI = [0, 0, 4] ⇒ 4/3.
        TrackedTensor[] layout = [new("fc", "fc.weight", [2, 2]), new("fc", "fc.bias", [2])];
        var t = new GradientActivityTracker(layout, s_plain with { Detail = ActivityDetail.Unit });
        Feed(t, 1, [0, 0, 0, 0], [0, 0]);
        Feed(t, 2, [1, 1, 1, 1], [1, 1]);
        Feed(t, 3, [4, 2, 2, 2], [1, 6]);
        ReadOnlySpan<double> units = t.LastStep.UnitActivities(0);
        Assert.AreEqual(2, units.Length);
        Assert.AreEqual(1.0, units[0], 1e-6);
        Assert.AreEqual(4.0 / 3.0, units[1], 1e-6);
        Assert.AreEqual(7.0 / 6.0, t.LastStep.Layer(0).Activity, 1e-6);
        var sink = new InMemoryActivitySink();
        Assert.AreEqual(2, t.WriteRecords(sink));
        Assert.HasCount(2, sink.Units);
        Assert.AreEqual(new UnitActivityRecord("", 3, "fc", 1, units[1]), sink.Units[1]);
    }

    [TestMethod]
    public void NonFiniteGradient_IsCountedExcluded_AndDoesNotPoisonState()
    {
        GradientActivityTracker t = Single(2, s_plain);
        Feed(t, 1, [0, 0]);
        Feed(t, 2, [1, 1]);                                 // M = [1, 1], g_prev = [1, 1]
        Feed(t, 3, [float.NaN, 2]);                          // element 0 skipped
        LayerActivity a = t.LastStep.Layer(0);
        Assert.AreEqual(1, a.NonFiniteCount);
        Assert.AreEqual(0.5, a.ExcludedFraction);
        Assert.AreEqual(0.0, a.Activity, 1e-12);             // element 1: I = 1 = M ⇒ dI = 0
        Assert.AreEqual(1f, t.MeanOf(0)[0]);
        Assert.AreEqual(1f, t.PreviousOf(0)[0]);
        Assert.AreEqual(2.0, a.GradientNorm, 1e-12);         // ‖[2]‖: finite values only
        Feed(t, 4, [float.PositiveInfinity, float.NegativeInfinity]);
        Assert.AreEqual(2, t.LastStep.Network.NonFiniteCount);
        Assert.IsTrue(double.IsNaN(t.LastStep.Network.Activity));
        Feed(t, 5, [3, 2]);                                  // element 0: I = |3 − 1| = 2, M = 1 ⇒ dI = 1
        Assert.AreEqual(0, t.LastStep.Network.NonFiniteCount);
        Assert.AreEqual(1.0, t.LastStep.Layer(0).Activity, 1e-6);
    }

    [TestMethod]
    public void Errors_NameTheProblem()
    {
        TrackedTensor[] layout = [new("fc", "fc.weight", [2, 3]), new("fc", "fc.bias", [2])];
        var t = new GradientActivityTracker(layout, s_plain);
        Assert.ThrowsExactly<InvalidOperationException>(() => t.AddGradient(0, new float[6]));
        t.BeginStep(1);
        ArgumentException e = Assert.ThrowsExactly<ArgumentException>(() => t.AddGradient(0, new float[5]));
        StringAssert.Contains(e.Message, "fc.weight");
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => t.AddGradient(2, new float[2]));
        t.AddGradient(0, new float[6]);
        Assert.ThrowsExactly<InvalidOperationException>(() => t.AddGradient(0, new float[6]));
        InvalidOperationException missing = Assert.ThrowsExactly<InvalidOperationException>(() => t.EndStep());
        StringAssert.Contains(missing.Message, "fc.bias");
        Assert.ThrowsExactly<InvalidOperationException>(() => t.BeginStep(2));
        ArgumentException unknown = Assert.ThrowsExactly<ArgumentException>(() => new GradientActivityTracker(layout, s_plain with { Layers = ["conv9"] }));
        StringAssert.Contains(unknown.Message, "conv9");
        Assert.ThrowsExactly<ArgumentException>(() => new GradientActivityTracker(Array.Empty<TrackedTensor>()));
    }

    [TestMethod]
    public void WarmupSteps_EmitNoRecords_ThenNetworkRowPlusOnePerLayer()
    {
        TrackedTensor[] layout = [new("a", "a.weight", [3]), new("b", "b.weight", [2])];
        var t = new GradientActivityTracker(layout, s_plain with { WarmupSteps = 2, RunId = "r1" });
        var sink = new InMemoryActivitySink();
        for (int s = 1; s <= 5; s++)
        {
            Feed(t, s, [s, s * s, 1], [s % 2, 1 - s]);
            t.WriteRecords(sink);
        }

        Assert.HasCount(2 * 3, sink.Records);                // steps 4 and 5
        Assert.AreEqual(4L, sink.Records[0].Step);
        Assert.AreEqual(ActivityRecord.NetworkLayer, sink.Records[0].Layer);
        Assert.AreEqual("a", sink.Records[1].Layer);
        Assert.AreEqual("b", sink.Records[2].Layer);
        Assert.AreEqual("r1", sink.Records[5].Run);
    }
}
