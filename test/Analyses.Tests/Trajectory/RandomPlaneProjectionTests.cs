using MLGradientInsight.Analyses.Trajectory;

namespace MLGradientInsight.Analyses.Tests.Trajectory;

[TestClass]
public sealed class RandomPlaneProjectionTests
{
    [TestMethod]
    public void Directions_are_unit_vectors_with_uniform_angles_and_depend_only_on_the_seed()
    {
        var p = new RandomPlaneProjection([1000, 37], seed: 4);
        var q = new RandomPlaneProjection([1000, 37], seed: 4);
        var other = new RandomPlaneProjection([1000, 37], seed: 5);
        double sumX = 0, sumY = 0;
        for (int i = 0; i < 1000; i++)
        {
            (float x, float y) = p.Direction(0, i);
            Assert.AreEqual(1, Math.Sqrt((x * x) + (y * y)), 1e-6);
            Assert.AreEqual(q.Direction(0, i), (x, y));
            sumX += x;
            sumY += y;
        }

        Assert.AreNotEqual(p.Direction(1, 3), other.Direction(1, 3));
        Assert.IsLessThan(0.1, Math.Abs(sumX / 1000), "mean direction ≈ 0 (law of large numbers, 001)");
        Assert.IsLessThan(0.1, Math.Abs(sumY / 1000));
        Assert.AreEqual(1037, p.ParameterCount);
    }

    [TestMethod]
    public void Projection_is_the_sum_of_weight_times_scaled_direction()
    {
        float[] scale = [.. Enumerable.Range(0, 50).Select(i => 0.1f * i)];
        var p = new RandomPlaneProjection([50], seed: 2, scales: [scale]);
        var plain = new RandomPlaneProjection([50], seed: 2);
        float[] w = [.. Enumerable.Range(0, 50).Select(i => MathF.Sin(i))];
        double ex = 0, ey = 0;
        for (int i = 0; i < 50; i++)
        {
            (float x, float y) = plain.Direction(0, i);
            ex += w[i] * scale[i] * x;
            ey += w[i] * scale[i] * y;
        }

        (double px, double py) = p.ProjectTensor(0, w);
        Assert.AreEqual(ex, px, 1e-4);
        Assert.AreEqual(ey, py, 1e-4);
    }

    [TestMethod]
    public void Wrong_lengths_are_rejected()
    {
        var p = new RandomPlaneProjection([5], seed: 1);
        Assert.ThrowsExactly<ArgumentException>(() => p.ProjectTensor(0, new float[4]));
        Assert.ThrowsExactly<ArgumentException>(() => new RandomPlaneProjection([5], 1, [new float[4]]));
        Assert.ThrowsExactly<ArgumentException>(() => new RandomPlaneProjection([2], 1, [[1, float.NaN]]));
    }
}
