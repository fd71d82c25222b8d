using MLGradientInsight.Transforms.Activity;

namespace MLGradientInsight.Transforms.Tests.Activity;

[TestClass]
public sealed class GradientActivityTrackerRuntimeTest
{
    [TestMethod]
    [DataRow(ActivityGrouping.Element, ActivityDetail.Layer, 1f)]
    [DataRow(ActivityGrouping.Element, ActivityDetail.Unit, 2f)]
    [DataRow(ActivityGrouping.Unit, ActivityDetail.Unit, 3f)]
    [DataRow(ActivityGrouping.Tensor, ActivityDetail.Layer, 1f)]
    public void Steps_AfterWarmup_AllocateNothing(ActivityGrouping grouping, ActivityDetail detail, float root)
    {
        TrackedTensor[] layout = [new("fc1", "fc1.weight", [100, 301]), new("fc1", "fc1.bias", [100]), new("fc2", "fc2.weight", [10, 100]), new("fc2", "fc2.bias", [10])];
        var tracker = new GradientActivityTracker(layout, new GradientActivityOptions { Grouping = grouping, Detail = detail, RootExponent = root, WarmupSteps = 3 });
        var rng = new Random(3);
        float[][] gradients = [.. layout.Select(t => Enumerable.Range(0, t.Length).Select(_ => (float)rng.NextDouble()).ToArray())];
        void Step(long s)
        {
            tracker.BeginStep(s, 1, 0.5, 0.1);
            for (int i = 0; i < gradients.Length; i++)
            {
                gradients[i][s % gradients[i].Length] += 0.25f;
                tracker.AddGradient(i, gradients[i]);
            }

            tracker.EndStep();
            _ = tracker.LastStep.Network.Activity + tracker.LastStep.Layer(1).Activity;
        }

        for (int s = 1; s <= 10; s++)
        {
            Step(s);
        }

        // Three rounds of 200 steps; a per-step allocation shows in every round, while a one-off allocation by the runtime
        // (a tier-up of a method under load, seen once in a full parallel suite run) shows in one at most.
        long allocated = long.MaxValue;
        for (int round = 0; round < 3 && allocated > 0; round++)
        {
            long before = GC.GetAllocatedBytesForCurrentThread();
            for (int s = 11 + (200 * round); s <= 210 + (200 * round); s++)
            {
                Step(s);
            }

            allocated = Math.Min(allocated, GC.GetAllocatedBytesForCurrentThread() - before);
        }

        Assert.AreEqual(0L, allocated);
        Assert.IsTrue(tracker.LastStep.HasActivity);
        Assert.IsTrue(double.IsFinite(tracker.LastStep.Network.Activity));
    }

    [TestMethod]
    public void LargeLayer_ParallelPath_AllocatesNothingPerStep()
    {
        TrackedTensor[] layout = [new("big", "big.weight", [4, 70001]), new("big", "big.bias", [4])];
        var tracker = new GradientActivityTracker(layout, new GradientActivityOptions { WarmupSteps = 2, MaxDegreeOfParallelism = 2 });
        float[] w = new float[layout[0].Length], b = new float[4];
        void Step(long s)
        {
            w[s % w.Length] += 1f;
            w[(s * 7919) % w.Length] -= 0.5f;
            tracker.BeginStep(s);
            tracker.AddGradient(0, w);
            tracker.AddGradient(1, b);
            tracker.EndStep();
        }

        for (int s = 1; s <= 20; s++)
        {
            Step(s);
        }

        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int s = 21; s <= 120; s++)
        {
            Step(s);
        }

        Assert.AreEqual(0L, GC.GetAllocatedBytesForCurrentThread() - before);
        Assert.IsTrue(tracker.LastStep.HasActivity);
    }

    [TestMethod]
    public void LargeLayer_ParallelChunks_GiveTheSameResultAsOneThread()
    {
        TrackedTensor[] layout = [new("big", "big.weight", [5, 65536 + 17])];
        var one = new GradientActivityTracker(layout, new GradientActivityOptions { WarmupSteps = 2, MaxDegreeOfParallelism = 1 });
        var many = new GradientActivityTracker(layout, new GradientActivityOptions { WarmupSteps = 2, MaxDegreeOfParallelism = 4 });
        var rng = new Random(9);
        float[] g = new float[layout[0].Length];
        for (int s = 1; s <= 6; s++)
        {
            for (int i = 0; i < g.Length; i++)
            {
                g[i] = (float)(rng.NextDouble() - 0.5) * (i % 7 == 0 ? 0 : 1);
            }

            GradientActivityTrackerTest.Feed(one, s, g);
            GradientActivityTrackerTest.Feed(many, s, g);
            Assert.AreEqual(one.LastStep.Network.Activity, many.LastStep.Network.Activity);
            Assert.AreEqual(one.LastStep.Network.ExcludedFraction, many.LastStep.Network.ExcludedFraction);
            Assert.AreEqual(one.LastStep.Network.GradientNorm, many.LastStep.Network.GradientNorm);
        }

        Assert.IsTrue(one.MeanOf(0).SequenceEqual(many.MeanOf(0)));
        Assert.IsGreaterThan(0.14, one.LastStep.Network.ExcludedFraction); // the 1/7 of values that are always 0
    }

    [TestMethod]
    public void UnitGrouping_TensorsWithDifferentUnitCounts_GetSeparateUnitBlocks()
    {
        TrackedTensor[] layout = [new("x", "x.a", [2, 2]), new("x", "x.b", [3])];
        var t = new GradientActivityTracker(layout, new GradientActivityOptions { Grouping = ActivityGrouping.Unit, Detail = ActivityDetail.Unit, WarmupSteps = 1, RelativeThreshold = 0, AbsoluteThreshold = 0 });
        Assert.AreEqual(5, t.UnitCount(0));
        GradientActivityTrackerTest.Feed(t, 1, [0, 0, 0, 0], [0, 0, 0]);
        GradientActivityTrackerTest.Feed(t, 2, [1, 0, 0, 1], [1, 1, 1]);
        GradientActivityTrackerTest.Feed(t, 3, [2, 1, 0, 1], [1, 1, 4]);  // unit values [3, 1, 1, 1, 4]; I = [2, 0, 0, 0, 3]; M = 1 ⇒ dI = [1, 1, 1, 1, 2]
        CollectionAssert.AreEqual(new[] { 1.0, 1.0, 1.0, 1.0, 2.0 }, t.LastStep.UnitActivities(0).ToArray());
        Assert.AreEqual(1.2, t.LastStep.Network.Activity, 1e-12);
    }
}
