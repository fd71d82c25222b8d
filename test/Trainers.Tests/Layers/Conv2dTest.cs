using MLGradientInsight.Trainers.Layers;

namespace MLGradientInsight.Trainers.Tests.Layers;

[TestClass]
public sealed class Conv2dTest
{
    [TestMethod]
    public void Constructor_ShapesNamesAndPyTorchDefaultInit()
    {
        var conv = new Conv2d("conv1", 3, 5, (2, 4), new Random(1));
        CollectionAssert.AreEqual(new[] { 5, 3, 2, 4 }, conv.Weight.Shape.ToArray());
        CollectionAssert.AreEqual(new[] { 5 }, conv.Bias!.Shape.ToArray());
        Assert.AreEqual("conv1.weight", conv.Parameters[0].Name);
        Assert.AreEqual("conv1.bias", conv.Parameters[1].Name);
        double bound = 1 / Math.Sqrt(3 * 2 * 4);
        foreach (Parameter p in conv.Parameters)
        {
            Assert.IsTrue(p.Weights.ToArray().All(v => Math.Abs(v) <= bound), $"{p.Name} outside ±1/√fanIn");
            Assert.IsGreaterThan(bound / 4, p.Weights.ToArray().Max(Math.Abs), $"{p.Name} not spread over ±1/√fanIn");
        }

        Assert.HasCount(1, new Conv2d("c", 1, 2, 3, new Random(1), bias: false).Parameters);
    }

    [TestMethod]
    [DataRow(1, 1, 0, 0, 5, 5)]
    [DataRow(2, 2, 1, 1, 7, 6)]
    [DataRow(3, 1, 2, 0, 9, 4)]
    [DataRow(1, 3, 0, 2, 4, 8)]
    public void Forward_MatchesDirectConvolution(int sh, int sw, int ph, int pw, int h, int w)
    {
        const int n = 2, c = 3, o = 4, kh = 3, kw = 2;
        var conv = new Conv2d("conv", c, o, (kh, kw), new Random(2), (sh, sw), (ph, pw));
        Tensor x = GradientCheck.RandomTensor(3, 1.0, n, c, h, w);
        Tensor y = conv.Forward(x);
        int oh = ((h + (2 * ph) - kh) / sh) + 1, ow = ((w + (2 * pw) - kw) / sw) + 1;
        CollectionAssert.AreEqual(new[] { n, o, oh, ow }, y.Shape.ToArray());
        ReadOnlySpan<float> wt = conv.Weight.Weights;
        for (int s = 0; s < n; s++)
        {
            for (int f = 0; f < o; f++)
            {
                for (int oy = 0; oy < oh; oy++)
                {
                    for (int ox = 0; ox < ow; ox++)
                    {
                        double sum = conv.Bias!.Weights[f];
                        for (int ch = 0; ch < c; ch++)
                        {
                            for (int i = 0; i < kh; i++)
                            {
                                for (int j = 0; j < kw; j++)
                                {
                                    int iy = (oy * sh) - ph + i, ix = (ox * sw) - pw + j;
                                    if (iy >= 0 && iy < h && ix >= 0 && ix < w)
                                    {
                                        sum += wt[(((((f * c) + ch) * kh) + i) * kw) + j] * (double)x.Span[(((((s * c) + ch) * h) + iy) * w) + ix];
                                    }
                                }
                            }
                        }

                        float actual = y.Span[(((((s * o) + f) * oh) + oy) * ow) + ox];
                        Assert.AreEqual(sum, actual, 1e-5, $"y[{s}, {f}, {oy}, {ox}]");
                    }
                }
            }
        }
    }

    [TestMethod]
    public void Forward_WrongChannels_NamesBothShapes()
    {
        var conv = new Conv2d("conv1", 3, 4, 3, new Random(1));
        var ex = Assert.ThrowsExactly<ArgumentException>(() => conv.Forward(new Tensor(2, 1, 8, 8)));
        Assert.AreEqual("input", ex.ParamName);
        Assert.Contains("[2, 1, 8, 8]", ex.Message);
        Assert.Contains("(N, 3, H, W)", ex.Message);
        Assert.ThrowsExactly<ArgumentException>(() => conv.Forward(new Tensor(2, 3, 8)));
    }

    [TestMethod]
    public void Forward_KernelLargerThanPaddedInput_Throws()
    {
        var conv = new Conv2d("conv1", 1, 1, 5, new Random(1), padding: 1);
        var ex = Assert.ThrowsExactly<ArgumentException>(() => conv.Forward(new Tensor(1, 1, 2, 6)));
        Assert.Contains("[1, 1, 2, 6]", ex.Message);
        CollectionAssert.AreEqual(new[] { 1, 1, 1, 4 }, conv.OutputShape([1, 1, 3, 6]));
    }

    [TestMethod]
    [DataRow(0, 1, 0)]
    [DataRow(3, 0, 0)]
    [DataRow(3, 1, -1)]
    public void Constructor_BadGeometry_Throws(int kernel, int stride, int padding) =>
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => new Conv2d("c", 1, 1, kernel, new Random(1), stride, padding));
}
