using MLGradientInsight.Trainers.Data;

namespace MLGradientInsight.Trainers.Tests.Data;

[TestClass]
public sealed class SyntheticTasksTest
{
    public static IEnumerable<object[]> Tasks =>
    [
        ["curve"],
        ["spirals"],
        ["blobs"],
    ];

    private static Dataset Make(string task, int seed) => task switch
    {
        "curve" => SyntheticTasks.Curve(301, seed),
        "spirals" => SyntheticTasks.TwoSpirals(301, seed, noise: 0.05),
        _ => SyntheticTasks.GaussianBlobs(301, 4, seed, dims: 3, spread: 0.3),
    };

    [TestMethod]
    [DynamicData(nameof(Tasks))]
    public void SameSeed_GivesIdenticalData_OtherSeedDiffers(string task)
    {
        Dataset a = Make(task, 7), b = Make(task, 7), c = Make(task, 8);

        CollectionAssert.AreEqual(a.Features.Span.ToArray(), b.Features.Span.ToArray());
        CollectionAssert.AreEqual(a.Targets.Span.ToArray(), b.Targets.Span.ToArray());
        CollectionAssert.AreNotEqual(a.Features.Span.ToArray(), c.Features.Span.ToArray());
    }

    [TestMethod]
    public void CurveFunction_PassesThroughOriginWithTwoMinimaAtPlusMinusOneOverRootEight()
    {
        double xMin = 1 / Math.Sqrt(8);

        Assert.AreEqual(0.0, SyntheticTasks.CurveFunction(0), 1e-15);
        Assert.AreEqual(0.0, SyntheticTasks.CurveFunction(0.5), 1e-15);
        Assert.AreEqual(0.0, SyntheticTasks.CurveFunction(-0.5), 1e-15);
        foreach (double m in new[] { -xMin, xMin })
        {
            Assert.AreEqual(-0.125, SyntheticTasks.CurveFunction(m), 1e-12);
            Assert.IsGreaterThan(SyntheticTasks.CurveFunction(m), SyntheticTasks.CurveFunction(m - 1e-3));
            Assert.IsGreaterThan(SyntheticTasks.CurveFunction(m), SyntheticTasks.CurveFunction(m + 1e-3));
        }

        // x = 0 is a local maximum between the two minima.
        Assert.IsLessThan(SyntheticTasks.CurveFunction(0), SyntheticTasks.CurveFunction(0.01));
    }

    [TestMethod]
    public void Curve_FeaturesAreXYOneInTheSquare_TargetsAreTheSideOfTheCurve()
    {
        Dataset data = SyntheticTasks.Curve(20000, 3);

        CollectionAssert.AreEqual(new[] { 20000, 3 }, data.Features.Shape.ToArray());
        CollectionAssert.AreEqual(new[] { 20000, 1 }, data.Targets.Shape.ToArray());
        Assert.AreEqual(0, data.ClassCount);
        int above = 0;
        for (int i = 0; i < data.Count; i++)
        {
            float x = data.Features[i, 0], y = data.Features[i, 1];
            Assert.IsTrue(x is >= -0.5f and <= 0.5f && y is >= -0.5f and <= 0.5f, $"({x}, {y}) outside the square");
            Assert.AreEqual(1f, data.Features[i, 2]);
            double side = y - SyntheticTasks.CurveFunction(x);
            Assert.AreEqual((float)Math.Sign(side), data.Targets.Span[i]);
            above += side > 0 ? 1 : 0;
        }

        // Area above f(x) = 8x⁴ − 2x² in the unit square: 0.5 − ∫f = 0.5 + 1/15.
        Assert.AreEqual(0.5 + (1.0 / 15), above / 20000.0, 0.02);
    }

    [TestMethod]
    public void Curve_CustomCurve_IsUsed()
    {
        Dataset data = SyntheticTasks.Curve(500, 4, x => x);

        for (int i = 0; i < data.Count; i++)
        {
            Assert.AreEqual((float)Math.Sign(data.Features[i, 1] - data.Features[i, 0]), data.Targets.Span[i]);
        }
    }

    [TestMethod]
    public void TwoSpirals_IsBalancedAndClassOneMirrorsClassZero()
    {
        Dataset data = SyntheticTasks.TwoSpirals(1001, 5);

        Assert.AreEqual(2, data.ClassCount);
        CollectionAssert.AreEqual(new[] { 1001, 2 }, data.Features.Shape.ToArray());
        int ones = 0;
        for (int i = 0; i < data.Count; i++)
        {
            float x = data.Features[i, 0], y = data.Features[i, 1];
            double r = Math.Sqrt((x * x) + (y * y));
            // Without noise r = θ / 3.5π with θ in [π/2, 3.5π].
            Assert.IsTrue(r >= (1 / 7.0) - 1e-6 && r <= 1 + 1e-6, $"radius {r}");
            double theta = r * 3.5 * Math.PI;
            float label = data.Targets.Span[i];
            double sign = label == 0 ? 1 : -1;
            Assert.AreEqual(sign * r * Math.Cos(theta), x, 1e-5);
            Assert.AreEqual(sign * r * Math.Sin(theta), y, 1e-5);
            ones += (int)label;
        }

        Assert.AreEqual(500, ones);
    }

    [TestMethod]
    public void GaussianBlobs_IsBalancedWithTheRequestedSpread()
    {
        const int classes = 3, dims = 4, n = 6000;
        const double spread = 0.25;
        Dataset data = SyntheticTasks.GaussianBlobs(n, classes, 9, dims, spread);

        Assert.AreEqual(classes, data.ClassCount);
        CollectionAssert.AreEqual(new[] { n, dims }, data.Features.Shape.ToArray());
        double[] mean = new double[classes * dims], sq = new double[classes * dims];
        int[] count = new int[classes];
        for (int i = 0; i < n; i++)
        {
            int c = (int)data.Targets.Span[i];
            count[c]++;
            for (int d = 0; d < dims; d++)
            {
                double v = data.Features[i, d];
                mean[(c * dims) + d] += v;
                sq[(c * dims) + d] += v * v;
            }
        }

        CollectionAssert.AreEqual(new[] { 2000, 2000, 2000 }, count);
        for (int k = 0; k < classes * dims; k++)
        {
            double m = mean[k] / 2000, variance = (sq[k] / 2000) - (m * m);
            Assert.IsTrue(Math.Abs(m) <= 3 + (4 * spread), $"centre {m}");
            Assert.AreEqual(spread, Math.Sqrt(variance), 0.02);
        }
    }

    [TestMethod]
    public void InvalidArguments_Throw()
    {
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => SyntheticTasks.Curve(0, 1));
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => SyntheticTasks.TwoSpirals(10, 1, noise: -1));
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => SyntheticTasks.GaussianBlobs(10, 1, 1));
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => SyntheticTasks.GaussianBlobs(10, 2, 1, spread: double.NaN));
    }
}
