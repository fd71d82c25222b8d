using FsCheck;
using FsCheck.Fluent;
using MLGradientInsight.Reports.Downsampling;

namespace MLGradientInsight.Reports.Tests.Downsampling;

[TestClass]
public sealed class MinMaxDownsamplerTest
{
    private static readonly Config s_config = Config.QuickThrowOnFailure.WithMaxTest(300);

    /// <summary>Series of FsCheck's doubles (NaN, ±∞, extremes) with a point budget of 4 … 64.</summary>
    private static Arbitrary<(double[] Values, int MaxPoints)> Cases() =>
        (from values in ArbMap.Default.GeneratorFor<double>().ArrayOf()
         from longer in Gen.Choose(0, 3)
         from maxPoints in Gen.Choose(4, 64)
         select (longer == 0 ? values : values.Concat(values).Concat(values.Reverse()).Concat(values).ToArray(), maxPoints)).ToArbitrary();

    private static int[] Select(double[] values, int maxPoints)
    {
        int[] selected = new int[Math.Min(values.Length, maxPoints)];
        int count = MinMaxDownsampler.Select(values, maxPoints, selected);
        return selected[..count];
    }

    [TestMethod]
    public void Selection_is_ascending_finite_and_within_budget()
    {
        Prop.ForAll(Cases(), c =>
        {
            int[] kept = Select(c.Values, c.MaxPoints);
            Assert.IsLessThanOrEqualTo(Math.Min(c.Values.Length, c.MaxPoints), kept.Length);
            for (int i = 0; i < kept.Length; i++)
            {
                Assert.IsTrue(double.IsFinite(c.Values[kept[i]]), $"index {kept[i]} holds {c.Values[kept[i]]}");
                Assert.IsTrue(i == 0 || kept[i - 1] < kept[i], "indices must ascend without repeats");
            }
        }).Check(s_config);
    }

    [TestMethod]
    public void Every_finite_point_is_kept_when_they_fit_the_budget()
    {
        Prop.ForAll(Cases(), c =>
        {
            int[] finite = Enumerable.Range(0, c.Values.Length).Where(i => double.IsFinite(c.Values[i])).ToArray();
            if (finite.Length <= c.MaxPoints)
            {
                CollectionAssert.AreEqual(finite, Select(c.Values, c.MaxPoints));
            }
        }).Check(s_config);
    }

    [TestMethod]
    public void Every_extreme_is_kept_global_and_per_bucket()
    {
        Prop.ForAll(Cases(), c =>
        {
            int[] finite = Enumerable.Range(0, c.Values.Length).Where(i => double.IsFinite(c.Values[i])).ToArray();
            int[] kept = Select(c.Values, c.MaxPoints);
            if (finite.Length == 0)
            {
                Assert.IsEmpty(kept);
                return;
            }

            double[] keptValues = kept.Select(i => c.Values[i]).ToArray();
            Assert.AreEqual(finite.Max(i => c.Values[i]), keptValues.Max(), "global maximum");
            Assert.AreEqual(finite.Min(i => c.Values[i]), keptValues.Min(), "global minimum");
            Assert.AreEqual(finite[0], kept[0], "first point");
            Assert.AreEqual(finite[^1], kept[^1], "last point");

            // Envelope: every point lies between a kept value at most one bucket (in finite-point ranks) before or
            // after it that is no larger, and one that is no smaller: so no spike or dip is lost from the line.
            int bucketWidth = (int)Math.Ceiling(finite.Length / (double)(c.MaxPoints / 4));
            var rankOf = finite.Select((index, rank) => (index, rank)).ToDictionary(p => p.index, p => p.rank);
            for (int r = 0; r < finite.Length; r++)
            {
                double v = c.Values[finite[r]];
                var near = kept.Where(k => Math.Abs(rankOf[k] - r) < bucketWidth).Select(k => c.Values[k]).ToArray();
                Assert.IsTrue(near.Any(k => k >= v) && near.Any(k => k <= v), $"value {v} at rank {r} is outside the kept envelope (bucket width {bucketWidth})");
            }
        }).Check(s_config);
    }

    [TestMethod]
    public void A_single_spike_in_100000_steps_survives_a_budget_of_400()
    {
        var random = new Random(7);
        double[] values = Enumerable.Range(0, 100_000).Select(_ => random.NextDouble()).ToArray();
        int spike = random.Next(values.Length);
        int dip = random.Next(values.Length);
        values[spike] = 1e6;
        values[dip] = -5;
        int[] kept = Select(values, 400);
        Assert.IsLessThanOrEqualTo(400, kept.Length);
        CollectionAssert.Contains(kept, spike);
        CollectionAssert.Contains(kept, dip);
    }

    [TestMethod]
    [DataRow(0)]
    [DataRow(3)]
    [DataRow(-1)]
    public void A_budget_below_four_points_is_rejected(int maxPoints)
    {
        var e = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => MinMaxDownsampler.Select([1, 2, 3], maxPoints, new int[8]));
        Assert.AreEqual("maxPoints", e.ParamName);
    }

    [TestMethod]
    public void A_destination_too_short_is_rejected()
    {
        var e = Assert.ThrowsExactly<ArgumentException>(() => MinMaxDownsampler.Select(new double[100], 10, new int[9]));
        Assert.AreEqual("selected", e.ParamName);
    }
}
