using MLGradientInsight.Analyses.Trajectory;

namespace MLGradientInsight.Analyses.Tests.Trajectory;

[TestClass]
public sealed class TrajectoryAnalyzerTests
{
    [TestMethod]
    public void Pca_of_a_straight_path_explains_everything_with_one_component()
    {
        float[][] rows = [.. Enumerable.Range(0, 10).Select(k => Enumerable.Range(0, 300).Select(i => (float)(k * Math.Cos(i))).ToArray())];
        (double[,] scores, double[] explained) = TrajectoryAnalyzer.Pca(rows);
        Assert.AreEqual(1, explained[0], 1e-6);
        Assert.IsLessThan(scores[9, 0], scores[0, 0], "sign convention: the path starts on the negative side");
        Assert.AreEqual(9 * Math.Sqrt(Enumerable.Range(0, 300).Sum(i => Math.Cos(i) * Math.Cos(i))), scores[9, 0] - scores[0, 0], 1e-2);
    }

    [TestMethod]
    public void Random_walk_baseline_looks_structured_as_Antognini_and_Sohl_Dickstein_predict()
    {
        // A high-dimensional random walk puts about 61 % of its variance on PC1 (6/π²) and ~81 % on PC1+PC2.
        float[][] rows = [.. Enumerable.Range(0, 60).Select(k => new float[4000])];
        float[][] walk = TrajectoryAnalyzer.RandomWalkLike([.. Enumerable.Range(0, 60).Select(k => Enumerable.Repeat((float)k, 4000).ToArray())], seed: 3);
        for (int k = 1; k < walk.Length; k++)
        {
            double step = Math.Sqrt(walk[k].Zip(walk[k - 1], (a, b) => (double)(a - b) * (a - b)).Sum());
            Assert.AreEqual(Math.Sqrt(4000), step, 1e-2, "same step length as the trajectory");
        }

        double[] pc1 = [.. Enumerable.Range(1, 8).Select(s => TrajectoryAnalyzer.Pca(TrajectoryAnalyzer.RandomWalkLike(
            [.. Enumerable.Range(0, 60).Select(k => Enumerable.Repeat((float)k, 4000).ToArray())], s)).Explained[0])];
        Assert.AreEqual(6 / (Math.PI * Math.PI), pc1.Average(), 0.1, string.Join(", ", pc1));
        _ = rows;
    }

    [TestMethod]
    public void Regimes_label_a_straight_drift_canyon_and_a_circle_circling()
    {
        TrajectoryPoint[] line = [.. Enumerable.Range(0, 21).Select(i => new TrajectoryPoint("random", i, 1, i * 0.5, i * 0.25, 1))];
        TrajectoryPoint[] circle = [.. Enumerable.Range(0, 21).Select(i => new TrajectoryPoint("random", i, 1, Math.Cos(i * 0.6), Math.Sin(i * 0.6), 1))];

        TrajectoryWindow straight = TrajectoryAnalyzer.LabelRegimes(line, window: 21).Single();
        TrajectoryWindow round = TrajectoryAnalyzer.LabelRegimes(circle, window: 21).Single();

        Assert.AreEqual(1, straight.Efficiency, 1e-12);
        Assert.AreEqual("canyon", straight.Regime);
        Assert.AreEqual("circling", round.Regime);
        Assert.IsLessThan(0.2, round.Efficiency);
        Assert.AreEqual(20 * 2 * Math.Sin(0.3), round.PathLength, 1e-9);
    }

    [TestMethod]
    public void Windows_share_their_boundary_points_and_cover_the_whole_path()
    {
        TrajectoryPoint[] points = [.. Enumerable.Range(0, 12).Select(i => new TrajectoryPoint("random", i * 10, 1, i, 0, 1))];
        IReadOnlyList<TrajectoryWindow> w = TrajectoryAnalyzer.LabelRegimes(points, window: 5);
        CollectionAssert.AreEqual(new long[] { 0, 40, 80 }, w.Select(x => x.FirstStep).ToArray());
        CollectionAssert.AreEqual(new long[] { 40, 80, 110 }, w.Select(x => x.LastStep).ToArray());
    }

    [TestMethod]
    public void Symmetric_eigen_decomposition_reconstructs_the_matrix()
    {
        double[] a = [4, 1, 2, 1, 3, 0.5, 2, 0.5, 5];
        (double[] values, double[] vectors) = SymmetricEigen.Decompose((double[])a.Clone(), 3);
        Assert.IsTrue(values[0] >= values[1] && values[1] >= values[2]);
        for (int i = 0; i < 3; i++)
        {
            for (int j = 0; j < 3; j++)
            {
                double r = Enumerable.Range(0, 3).Sum(k => vectors[(i * 3) + k] * values[k] * vectors[(j * 3) + k]);
                Assert.AreEqual(a[(i * 3) + j], r, 1e-9);
            }
        }
    }
}
