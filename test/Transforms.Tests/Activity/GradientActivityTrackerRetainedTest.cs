using MLGradientInsight.Transforms.Activity;

namespace MLGradientInsight.Transforms.Tests.Activity;

/// <summary>
/// <see cref="GradientActivityTracker.AddRetainedGradient"/>: the caller keeps last step's gradient as g_prev, the tracker
/// copies nothing; records and M must be those of the copying <see cref="GradientActivityTracker.AddGradient"/>.
/// </summary>
[TestClass]
public sealed class GradientActivityTrackerRetainedTest
{
    // fc1: weight + bias in one layer; big: 5 chunks of 65,536 (parallel with MaxDegreeOfParallelism > 1); out: small.
    private static readonly TrackedTensor[] s_layout =
    [
        new("fc1", "fc1.weight", [7, 9]),
        new("fc1", "fc1.bias", [7]),
        new("big", "big.weight", [5, 65_536 - 3]),
        new("out", "out.weight", [3, 5]),
    ];

    private static float[][] Gradients(Random rng, int step)
    {
        var result = new float[s_layout.Length][];
        for (int t = 0; t < s_layout.Length; t++)
        {
            var g = new float[s_layout[t].Length];
            for (int i = 0; i < g.Length; i++)
            {
                g[i] = (float)((rng.NextDouble() - 0.5) * (1 + (step % 3)));
            }

            // Non-finite values in warm-up and active steps, in a small and in the chunked tensor.
            if (step is 3 or 9 or 10 && t is 0 or 2)
            {
                g[(step * 31) % g.Length] = step == 9 ? float.PositiveInfinity : float.NaN;
            }

            result[t] = g;
        }

        return result;
    }

    private static void AssertSameRuns(GradientActivityOptions options, int steps, int seed)
    {
        var copying = new GradientActivityTracker(s_layout, options);
        var retained = new GradientActivityTracker(s_layout, options);
        var expected = new InMemoryActivitySink();
        var actual = new InMemoryActivitySink();
        var rng = new Random(seed);
        float[][]? previous = null;
        for (int step = 1; step <= steps; step++)
        {
            float[][] g = Gradients(rng, step);
            copying.BeginStep(step, 1, loss: step, learningRate: 0.1);
            retained.BeginStep(step, 1, loss: step, learningRate: 0.1);
            for (int t = 0; t < g.Length; t++)
            {
                copying.AddGradient(t, g[t]);
                retained.AddRetainedGradient(t, g[t], previous is null ? default : previous[t]);
            }

            Assert.AreEqual(copying.EndStep(), retained.EndStep(), $"step {step}");
            copying.WriteRecords(expected);
            retained.WriteRecords(actual);
            for (int layer = 0; layer < copying.LayerCount; layer++)
            {
                CollectionAssert.AreEqual(copying.MeanOf(layer).ToArray(), retained.MeanOf(layer).ToArray(), $"M of layer {layer}, step {step}");
            }

            previous = g;
        }

        Assert.IsNotEmpty(expected.Records);
        CollectionAssert.AreEqual(expected.Records.ToArray(), actual.Records.ToArray());
        CollectionAssert.AreEqual(expected.Units.ToArray(), actual.Units.ToArray());
        Assert.IsTrue(expected.Records.Any(r => r.NonFiniteCount > 0), "the run has non-finite steps after the warm-up");
    }

    [TestMethod]
    [DataRow(1)]
    [DataRow(4)]
    public void RetainedGradients_GiveTheCopyingTrackersRecordsAndStateBitForBit_WithNonFiniteSteps(int threads) =>
        AssertSameRuns(new GradientActivityOptions { WarmupSteps = 4, MaxDegreeOfParallelism = threads, RootExponent = 2 }, steps: 14, seed: threads);

    [TestMethod]
    [DataRow(ActivityGrouping.Unit, ActivityDetail.Layer)]
    [DataRow(ActivityGrouping.Element, ActivityDetail.Unit)]
    [DataRow(ActivityGrouping.Tensor, ActivityDetail.Layer)]
    public void GroupingsThatCannotReadTheGradientAsGPrev_FallBackToTheCopy(ActivityGrouping grouping, ActivityDetail detail) =>
        AssertSameRuns(new GradientActivityOptions { WarmupSteps = 2, Grouping = grouping, Detail = detail, MaxDegreeOfParallelism = 1 }, steps: 12, seed: 7);

    [TestMethod]
    public void AfterARetainedStep_TheCopyingCallIsRefused_UntilTheHistoryIsReset()
    {
        var tracker = new GradientActivityTracker([new TrackedTensor("L", "L.weight", [4])], new GradientActivityOptions { WarmupSteps = 1 });
        float[] g1 = [1, 2, 3, 4], g2 = [2, 2, 2, 2];
        tracker.BeginStep(1);
        tracker.AddRetainedGradient(0, g1, default);
        tracker.EndStep();
        tracker.BeginStep(2);
        tracker.AddRetainedGradient(0, g2, g1);
        tracker.EndStep();

        tracker.BeginStep(3);
        var e = Assert.ThrowsExactly<InvalidOperationException>(() => tracker.AddGradient(0, g1));
        StringAssert.Contains(e.Message, "L.weight");
        var wrongLength = Assert.ThrowsExactly<InvalidOperationException>(() => tracker.AddRetainedGradient(0, g1, default));
        StringAssert.Contains(wrongLength.Message, "previous gradient");
    }

    [TestMethod]
    public void ResetHistory_StartsANewWarmup_ThatMatchesAFreshTracker()
    {
        var options = new GradientActivityOptions { WarmupSteps = 2, MaxDegreeOfParallelism = 1 };
        TrackedTensor[] layout = [new TrackedTensor("L", "L.weight", [3, 11])];
        var tracker = new GradientActivityTracker(layout, options);
        var rng = new Random(5);
        float[] Next() => [.. Enumerable.Range(0, 33).Select(_ => (float)rng.NextDouble())];
        float[]? previous = null;
        for (int step = 1; step <= 5; step++)
        {
            float[] g = Next();
            tracker.BeginStep(step);
            tracker.AddRetainedGradient(0, g, previous);
            tracker.EndStep();
            previous = g;
        }

        Assert.IsTrue(tracker.LastStep.HasActivity);
        tracker.ResetHistory();
        Assert.IsFalse(tracker.IsWarmedUp);

        var fresh = new GradientActivityTracker(layout, options);
        for (int step = 6; step <= 10; step++)
        {
            float[] g = Next();
            tracker.BeginStep(step);
            tracker.AddGradient(0, g);   // accepted again: g_prev is the tracker's own after a reset
            bool active = tracker.EndStep();
            fresh.BeginStep(step);
            fresh.AddGradient(0, g);
            Assert.AreEqual(fresh.EndStep(), active, $"step {step}");
            Assert.AreEqual(step >= 9, active, $"step {step}: a new warm-up of 2 after the reset");
            Assert.AreEqual(fresh.LastStep.Network, tracker.LastStep.Network, $"step {step}");
            CollectionAssert.AreEqual(fresh.MeanOf(0).ToArray(), tracker.MeanOf(0).ToArray(), $"step {step}");
        }
    }
}
