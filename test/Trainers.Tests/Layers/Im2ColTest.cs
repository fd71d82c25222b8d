using MLGradientInsight.Trainers.Layers;

namespace MLGradientInsight.Trainers.Tests.Layers;

[TestClass]
public sealed class Im2ColTest
{
    [TestMethod]
    [DataRow(2, 5, 6, 3, 3, 1, 1, 0, 0)]
    [DataRow(2, 7, 6, 3, 3, 2, 2, 1, 1)]
    [DataRow(3, 4, 9, 2, 4, 1, 3, 1, 2)]
    [DataRow(1, 3, 3, 3, 3, 1, 1, 2, 2)]
    [DataRow(1, 8, 5, 1, 1, 3, 2, 0, 0)]
    public void Unfold_MatchesDefinition_AndFoldIsItsAdjoint(int c, int h, int w, int kh, int kw, int sh, int sw, int ph, int pw)
    {
        var g = new ConvGeometry(c, h, w, kh, kw, sh, sw, ph, pw);
        int oh = g.OutputHeight, ow = g.OutputWidth, plane = oh * ow, rows = c * kh * kw;
        int ld = plane + 2; // the sample's columns sit at offset 1 of a wider matrix, as one sample of a batch would
        Tensor image = GradientCheck.RandomTensor(1, 1.0, c, h, w);
        var columns = new float[(rows * ld) + 1];
        columns.AsSpan().Fill(float.NaN);
        Im2Col.Unfold(image.Span, g, columns.AsSpan(1), ld);

        for (int ch = 0; ch < c; ch++)
        {
            for (int i = 0; i < kh; i++)
            {
                for (int j = 0; j < kw; j++)
                {
                    int r = (((ch * kh) + i) * kw) + j;
                    for (int oy = 0; oy < oh; oy++)
                    {
                        for (int ox = 0; ox < ow; ox++)
                        {
                            int iy = (oy * sh) - ph + i, ix = (ox * sw) - pw + j;
                            float expected = iy >= 0 && iy < h && ix >= 0 && ix < w ? image.Span[(((ch * h) + iy) * w) + ix] : 0f;
                            Assert.AreEqual(expected, columns[1 + (r * ld) + (oy * ow) + ox], $"row {r}, column ({oy}, {ox})");
                        }
                    }
                }
            }
        }

        // ⟨Unfold(x), u⟩ = ⟨x, Fold(u)⟩ for random u.
        Tensor u = GradientCheck.RandomTensor(2, 1.0, rows, plane);
        var folded = new float[c * h * w];
        Im2Col.FoldAdd(u.Span, plane, g, folded);
        var unfolded = new float[rows * plane];
        Im2Col.Unfold(image.Span, g, unfolded, plane);
        double left = 0, right = 0;
        for (int k = 0; k < unfolded.Length; k++)
        {
            left += (double)unfolded[k] * u.Span[k];
        }

        for (int k = 0; k < folded.Length; k++)
        {
            right += (double)folded[k] * image.Span[k];
        }

        Assert.AreEqual(left, right, 1e-4 * (1 + Math.Abs(left)));
    }

    [TestMethod]
    [DataRow(32, 3, 1, 0, 30)]
    [DataRow(15, 3, 1, 0, 13)]
    [DataRow(7, 3, 2, 1, 4)]
    [DataRow(2, 3, 1, 0, 0)]
    public void OutputSize_FloorsAsPyTorch(int size, int kernel, int stride, int padding, int expected) =>
        Assert.AreEqual(expected, Im2Col.OutputSize(size, kernel, stride, padding));
}
