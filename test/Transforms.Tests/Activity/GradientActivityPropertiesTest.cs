using FsCheck;
using FsCheck.Fluent;
using MLGradientInsight.Transforms.Activity;

namespace MLGradientInsight.Transforms.Tests.Activity;

[TestClass]
public sealed class GradientActivityPropertiesTest
{
    private static readonly Config s_config = Config.QuickThrowOnFailure.WithMaxTest(60);

    /// <summary>A random run: layer sizes, a seed for the gradients, and the step count.</summary>
    private static Arbitrary<(int[] Sizes, int Seed, int Steps)> Runs() =>
        Gen.Zip(Gen.Zip(Gen.Choose(1, 300).ArrayOf(), Gen.Choose(0, 1_000_000)), Gen.Choose(4, 14))
            .Where(x => x.Item1.Item1.Length is > 0 and <= 4)
            .Select(x => (x.Item1.Item1, x.Item1.Item2, x.Item2))
            .ToArbitrary();

    private static float[][][] Gradients(int[] sizes, int seed, int steps, double nonFiniteRate = 0)
    {
        var rng = new Random(seed);
        return [.. Enumerable.Range(0, steps).Select(_ => sizes.Select(n => Enumerable.Range(0, n).Select(_ =>
            rng.NextDouble() < nonFiniteRate ? float.NaN : (float)((rng.NextDouble() - 0.5) * Math.Exp(rng.NextDouble() * 4 - 2))).ToArray()).ToArray())];
    }

    private static GradientActivityTracker Tracker(int[] sizes, GradientActivityOptions options) =>
        new([.. sizes.Select((n, i) => new TrackedTensor("L" + i, "L" + i + ".weight", [n]))], options);

    [TestMethod]
    public void ScalingAllGradients_LeavesActivityUnchanged()
    {
        var options = new GradientActivityOptions { AbsoluteThreshold = 0, RelativeThreshold = 0, WarmupSteps = 2, MaxDegreeOfParallelism = 1 };
        Prop.ForAll(Runs(), Gen.Choose(-6, 6).Select(k => Math.Pow(3, k / 2.0)).ToArbitrary(), (run, c) =>
        {
            float[][][] g = Gradients(run.Sizes, run.Seed, run.Steps);
            GradientActivityTracker a = Tracker(run.Sizes, options), b = Tracker(run.Sizes, options);
            for (int s = 0; s < run.Steps; s++)
            {
                GradientActivityTrackerTest.Feed(a, s + 1, g[s]);
                GradientActivityTrackerTest.Feed(b, s + 1, [.. g[s].Select(layer => layer.Select(x => (float)(x * c)).ToArray())]);
                double x = a.LastStep.Network.Activity, y = b.LastStep.Network.Activity;
                if (!(double.IsNaN(x) && double.IsNaN(y)) && Math.Abs(x - y) > 1e-3 * Math.Max(1, Math.Abs(x)))
                {
                    return false;
                }
            }

            return true;
        }).Check(s_config);
    }

    [TestMethod]
    public void ScalingByPowerOfTwo_IsExact_WithRelativeThreshold()
    {
        var options = new GradientActivityOptions { AbsoluteThreshold = 0, RelativeThreshold = 0.3f, WarmupSteps = 1, MaxDegreeOfParallelism = 1 };
        Prop.ForAll(Runs(), Gen.Choose(-20, 20).ToArbitrary(), (run, k) =>
        {
            float[][][] g = Gradients(run.Sizes, run.Seed, run.Steps);
            float c = MathF.ScaleB(1f, k);
            GradientActivityTracker a = Tracker(run.Sizes, options), b = Tracker(run.Sizes, options);
            for (int s = 0; s < run.Steps; s++)
            {
                GradientActivityTrackerTest.Feed(a, s + 1, g[s]);
                GradientActivityTrackerTest.Feed(b, s + 1, [.. g[s].Select(layer => layer.Select(x => x * c).ToArray())]);
                if (!a.LastStep.Network.Activity.Equals(b.LastStep.Network.Activity) || !a.LastStep.Network.ExcludedFraction.Equals(b.LastStep.Network.ExcludedFraction))
                {
                    return false;
                }
            }

            return true;
        }).Check(s_config);
    }

    [TestMethod]
    public void SmoothingZero_KeepsMFixedAfterWarmup()
    {
        Prop.ForAll(Runs(), Gen.Choose(1, 3).ToArbitrary(), (run, w) =>
        {
            var options = new GradientActivityOptions { Smoothing = 0, WarmupSteps = w, MaxDegreeOfParallelism = 1 };
            float[][][] g = Gradients(run.Sizes, run.Seed, run.Steps + w + 1);
            GradientActivityTracker t = Tracker(run.Sizes, options);
            float[][]? frozen = null;
            for (int s = 0; s < g.Length; s++)
            {
                GradientActivityTrackerTest.Feed(t, s + 1, g[s]);
                if (s == w)
                {
                    frozen = [.. Enumerable.Range(0, run.Sizes.Length).Select(l => t.MeanOf(l).ToArray())];
                }
            }

            return Enumerable.Range(0, run.Sizes.Length).All(l => t.MeanOf(l).SequenceEqual(frozen![l]));
        }).Check(s_config);
    }

    [TestMethod]
    public void FrozenGradients_GiveActivityExactlyOne()
    {
        Prop.ForAll(Runs(), Gen.Elements(1f, 2f, 3.5f).ToArbitrary(), (run, p) =>
        {
            var options = new GradientActivityOptions { WarmupSteps = 3, RootExponent = p, MaxDegreeOfParallelism = 1 };
            float[][][] g = Gradients(run.Sizes, run.Seed, 4);
            GradientActivityTracker t = Tracker(run.Sizes, options);
            for (int s = 0; s < 4; s++)
            {
                GradientActivityTrackerTest.Feed(t, s + 1, g[s]);
            }

            // From now on the gradient stops changing: I = 0 ⇒ dI = |0 − M| / M = 1 for every included value.
            for (int s = 4; s < 4 + run.Steps; s++)
            {
                GradientActivityTrackerTest.Feed(t, s + 1, g[3]);
                if (t.LastStep.Network.Activity != 1.0 || Enumerable.Range(0, run.Sizes.Length).Any(l => !(t.LastStep.Layer(l).Activity is 1.0 or double.NaN)))
                {
                    return false;
                }
            }

            return true;
        }).Check(s_config);
    }

    [TestMethod]
    public void TensorGrouping_EqualsTrackingTheSummedGradient()
    {
        Prop.ForAll(Runs(), run =>
        {
            var options = new GradientActivityOptions { WarmupSteps = 2, RelativeThreshold = 0, Grouping = ActivityGrouping.Tensor, MaxDegreeOfParallelism = 1 };
            float[][][] g = Gradients(run.Sizes, run.Seed, run.Steps);
            GradientActivityTracker grouped = Tracker(run.Sizes, options);
            GradientActivityTracker summed = Tracker([.. run.Sizes.Select(_ => 1)], options with { Grouping = ActivityGrouping.Element });
            for (int s = 0; s < run.Steps; s++)
            {
                GradientActivityTrackerTest.Feed(grouped, s + 1, g[s]);
                GradientActivityTrackerTest.Feed(summed, s + 1, [.. g[s].Select(layer => new[] { ActivityKernel.Sum(layer) })]);
                if (!grouped.LastStep.Network.Activity.Equals(summed.LastStep.Network.Activity))
                {
                    return false;
                }
            }

            return true;
        }).Check(s_config);
    }

    [TestMethod]
    public void Tracker_MatchesScalarReference_WithNaNAndThresholds()
    {
        Arbitrary<(float Relative, float Root, float Smoothing)> settings = Gen.Zip(Gen.Zip(Gen.Elements(0f, 0.05f, 0.3f), Gen.Elements(1f, 2f, 2.5f)), Gen.Elements(0f, 0.1f, 0.5f, 1f))
            .Select(x => (x.Item1.Item1, x.Item1.Item2, x.Item2)).ToArbitrary();
        Prop.ForAll(Runs(), settings, (run, s) =>
        {
            (float relative, float root, float smoothing) = s;
            var options = new GradientActivityOptions { WarmupSteps = 2, AbsoluteThreshold = 1e-3f, RelativeThreshold = relative, RootExponent = root, Smoothing = smoothing, MaxDegreeOfParallelism = 1 };
            float[][][] g = Gradients(run.Sizes, run.Seed, run.Steps, nonFiniteRate: 0.05);
            GradientActivityTracker t = Tracker(run.Sizes, options);
            var reference = new ReferenceActivity(run.Sizes, 1e-3f, relative, smoothing, 2, root);
            for (int step = 0; step < run.Steps; step++)
            {
                bool active = GradientActivityTrackerTest.Feed(t, step + 1, g[step]);
                if (active != reference.Step(g[step]) || !Close(reference.Network, t.LastStep.Network.Activity))
                {
                    return false;
                }

                for (int l = 0; l < run.Sizes.Length; l++)
                {
                    LayerActivity a = t.LastStep.Layer(l);
                    if (!Close(reference.LayerActivity[l], a.Activity) || a.NonFiniteCount != reference.NonFinite[l]
                        || (active && !Close(reference.Excluded[l], a.ExcludedFraction)) || (active && !Close(reference.MeanChange[l], a.MeanChange))
                        || !t.MeanOf(l).SequenceEqual(reference.Mean(l)) || !t.PreviousOf(l).SequenceEqual(reference.Previous(l)))
                    {
                        return false;
                    }
                }
            }

            return true;
        }).Check(s_config);
    }

    private static bool Close(double expected, double actual) =>
        (double.IsNaN(expected) && double.IsNaN(actual)) || Math.Abs(expected - actual) <= 1e-5 * Math.Max(1, Math.Abs(expected));
}
