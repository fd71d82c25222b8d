using MLGradientInsight.Trainers.Layers;

namespace MLGradientInsight.Trainers.Tests.Layers;

[TestClass]
public sealed class PoolingTest
{
    [TestMethod]
    public void MaxPool_Ties_GoToFirstMaximum()
    {
        var pool = new MaxPool2d("pool", 2);
        var x = new Tensor([5f, 5f, 5f, 5f], 1, 1, 2, 2);
        Assert.AreEqual(5f, pool.Forward(x).Span[0]);
        var g = new Tensor([1f], 1, 1, 1, 1);
        CollectionAssert.AreEqual(new[] { 1f, 0f, 0f, 0f }, pool.Backward(g)!.Span.ToArray());
    }

    [TestMethod]
    public void MaxPool_NaN_Propagates()
    {
        var pool = new MaxPool2d("pool", 2);
        var x = new Tensor([1f, float.NaN, 3f, 2f], 1, 1, 2, 2);
        Assert.IsTrue(float.IsNaN(pool.Forward(x).Span[0]));
    }

    [TestMethod]
    public void MaxPool_OverlappingWindows_AccumulateGradient()
    {
        var pool = new MaxPool2d("pool", 2, stride: 1);
        var x = new Tensor([0f, 0f, 0f, 0f, 9f, 0f, 0f, 0f, 0f], 1, 1, 3, 3);
        CollectionAssert.AreEqual(new[] { 9f, 9f, 9f, 9f }, pool.Forward(x).Span.ToArray());
        var g = new Tensor([1f, 2f, 3f, 4f], 1, 1, 2, 2);
        Assert.AreEqual(10f, pool.Backward(g)!.Span[4]);
    }

    [TestMethod]
    public void AvgPool_Averages_AndSpreadsGradientEvenly()
    {
        var pool = new AvgPool2d("pool", 2);
        var x = new Tensor([1f, 2f, 3f, 4f, 5f, 6f, 7f, 8f], 1, 1, 2, 4);
        CollectionAssert.AreEqual(new[] { 3.5f, 5.5f }, pool.Forward(x).Span.ToArray());
        var g = new Tensor([4f, 8f], 1, 1, 1, 2);
        CollectionAssert.AreEqual(new[] { 1f, 1f, 2f, 2f, 1f, 1f, 2f, 2f }, pool.Backward(g)!.Span.ToArray());
    }

    [TestMethod]
    public void Pools_OddSizes_Floor()
    {
        CollectionAssert.AreEqual(new[] { 3, 6, 7, 7 }, new MaxPool2d("p", 2).OutputShape([3, 6, 15, 15]));
        CollectionAssert.AreEqual(new[] { 3, 6, 4, 4 }, new AvgPool2d("p", 3, 2, 1).OutputShape([3, 6, 7, 8]));
    }

    [TestMethod]
    [DataRow(new[] { 2, 3, 4 })]
    [DataRow(new[] { 2, 3, 1, 4 })]
    public void Pools_BadInput_NamesShape(int[] shape)
    {
        var ex = Assert.ThrowsExactly<ArgumentException>(() => new MaxPool2d("p", 2).Forward(new Tensor(shape)));
        Assert.Contains(Tensor.FormatShape(shape), ex.Message);
        ex = Assert.ThrowsExactly<ArgumentException>(() => new AvgPool2d("p", 2).Forward(new Tensor(shape)));
        Assert.Contains(Tensor.FormatShape(shape), ex.Message);
    }

    [TestMethod]
    [DataRow(0, null, 0)]
    [DataRow(2, 0, 0)]
    [DataRow(2, null, 2)]
    [DataRow(3, null, -1)]
    public void Pools_BadGeometry_Throws(int kernel, int? stride, int padding)
    {
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => new MaxPool2d("p", kernel, stride, padding));
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => new AvgPool2d("p", kernel, stride, padding));
    }
}
