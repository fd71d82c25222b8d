using MLGradientInsight.Analyses.LinearPath;

namespace MLGradientInsight.Analyses.Tests.LinearPath;

[TestClass]
public sealed class AlphaGridTests
{
    [TestMethod]
    public void Grid_is_sorted_evenly_spaced_and_contains_both_ends()
    {
        IReadOnlyList<double> grid = AlphaGrid.Parse("-0.5:1.5:41");
        Assert.AreEqual(41, grid.Count);
        Assert.AreEqual(-0.5, grid[0]);
        Assert.AreEqual(1.5, grid[^1]);
        CollectionAssert.Contains(grid.ToList(), 0.0);
        CollectionAssert.Contains(grid.ToList(), 1.0);
        for (int i = 1; i < grid.Count; i++)
        {
            Assert.AreEqual(0.05, grid[i] - grid[i - 1], 1e-9);
        }
    }

    [TestMethod]
    public void Zero_and_one_are_added_when_the_grid_misses_them()
    {
        IReadOnlyList<double> grid = AlphaGrid.Parse("0.2:0.8:4");
        CollectionAssert.AreEqual(new[] { 0, 0.2, 0.4, 0.6, 0.8, 1 }, grid.ToArray());
    }

    [TestMethod]
    [DataRow("")]
    [DataRow("0:1")]
    [DataRow("1:0:5")]
    [DataRow("0:1:1")]
    [DataRow("a:1:5")]
    [DataRow("0:NaN:5")]
    public void Bad_grids_fail_with_an_example(string text)
    {
        FormatException e = Assert.ThrowsExactly<FormatException>(() => AlphaGrid.Parse(text));
        StringAssert.Contains(e.Message, "-0.5:1.5:41");
    }
}
