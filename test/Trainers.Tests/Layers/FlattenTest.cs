using MLGradientInsight.Trainers.Layers;

namespace MLGradientInsight.Trainers.Tests.Layers;

[TestClass]
public sealed class FlattenTest
{
    [TestMethod]
    public void Forward_IsAViewWithItsOwnShape_InputKeepsItsShape()
    {
        Tensor x = GradientCheck.RandomTensor(1, 1.0, 2, 3, 2, 2);
        var flatten = new Flatten("flat");
        Tensor y = flatten.Forward(x);
        CollectionAssert.AreEqual(new[] { 2, 12 }, y.Shape.ToArray());
        CollectionAssert.AreEqual(new[] { 2, 3, 2, 2 }, x.Shape.ToArray());
        CollectionAssert.AreEqual(x.Span.ToArray(), y.Span.ToArray());
        x.Span[5] = 42f;
        Assert.AreEqual(42f, y.Span[5], "the output shares the input's storage");
    }

    [TestMethod]
    public void Backward_RestoresInputShape_UpstreamKeepsItsShape()
    {
        var flatten = new Flatten("flat");
        flatten.Forward(new Tensor(3, 2, 5));
        Tensor g = GradientCheck.RandomTensor(2, 1.0, 3, 10);
        Tensor dx = flatten.Backward(g)!;
        CollectionAssert.AreEqual(new[] { 3, 2, 5 }, dx.Shape.ToArray());
        CollectionAssert.AreEqual(new[] { 3, 10 }, g.Shape.ToArray());
        CollectionAssert.AreEqual(g.Span.ToArray(), dx.Span.ToArray());
    }

    [TestMethod]
    public void PreviousLayerBuffer_IsNotCorrupted_AcrossSteps()
    {
        var conv = new Conv2d("conv", 1, 2, 3, new Random(1));
        var flatten = new Flatten("flat");
        Tensor x = GradientCheck.RandomTensor(3, 1.0, 4, 1, 5, 5);
        for (int step = 0; step < 2; step++)
        {
            Tensor convOut = conv.Forward(x);
            Tensor flat = flatten.Forward(convOut);
            CollectionAssert.AreEqual(new[] { 4, 2, 3, 3 }, convOut.Shape.ToArray());
            CollectionAssert.AreEqual(new[] { 4, 18 }, flat.Shape.ToArray());
            Tensor g = flatten.Backward(GradientCheck.RandomTensor(4, 1.0, 4, 18))!;
            CollectionAssert.AreEqual(new[] { 4, 1, 5, 5 }, conv.Backward(g)!.Shape.ToArray());
        }
    }

    [TestMethod]
    public void Forward_RankOne_Throws()
    {
        var ex = Assert.ThrowsExactly<ArgumentException>(() => new Flatten("flat").Forward(new Tensor(5)));
        Assert.Contains("[5]", ex.Message);
    }
}
