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
    [DataRow(2, 2, 0, DisplayName = "2×2 stride 2 (the SSE path)")]
    [DataRow(3, 2, 1, DisplayName = "3×3 stride 2 padding 1 (the general path)")]
    public void MaxPool_LargeBatchSplitByPlanes_EqualsEachSampleAloneBitForBit(int kernel, int stride, int padding)
    {
        // 13 × 7 planes of 28 × 28 = 71,344 values: above the threshold, so the batch is split into 8 uneven chunks of planes
        // (run over the engine's threads); one sample alone (5,488 values) stays on the calling thread.
        const int n = 13, c = 7, h = 28, w = 28;
        var random = new Random(7);
        float[] values = new float[n * c * h * w];
        for (int i = 0; i < values.Length; i++)
        {
            values[i] = i % 997 == 0 ? float.NaN : MathF.Round((float)random.NextDouble() * 8f) / 4f;
        }

        var batchPool = new MaxPool2d("pool", kernel, stride, padding);
        Tensor y = batchPool.Forward(new Tensor(values, n, c, h, w));
        int outPlane = y.Dim(2) * y.Dim(3);
        float[] gradient = new float[y.Length];
        for (int i = 0; i < gradient.Length; i++)
        {
            gradient[i] = (float)random.NextDouble() - 0.5f;
        }

        Tensor dx = batchPool.Backward(new Tensor(gradient, y.Shape.ToArray()))!;
        var samplePool = new MaxPool2d("pool", kernel, stride, padding);
        for (int s = 0; s < n; s++)
        {
            Tensor ys = samplePool.Forward(new Tensor(values.AsSpan(s * c * h * w, c * h * w).ToArray(), 1, c, h, w));
            CollectionAssert.AreEqual(y.Span.Slice(s * c * outPlane, c * outPlane).ToArray(), ys.Span.ToArray(), $"output of sample {s}");
            Tensor dxs = samplePool.Backward(new Tensor(gradient.AsSpan(s * c * outPlane, c * outPlane).ToArray(), ys.Shape.ToArray()))!;
            CollectionAssert.AreEqual(dx.Span.Slice(s * c * h * w, c * h * w).ToArray(), dxs.Span.ToArray(), $"input gradient of sample {s}");
        }
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
