using MLGradientInsight.Trainers.Layers;

namespace MLGradientInsight.Trainers.Tests.Layers;

/// <summary>
/// The layers' speed paths (direct loops for small Linear products, the vectorised 2×2 max pool, Conv2d split into sample
/// chunks) checked against plain reference computations written here.
/// </summary>
[TestClass]
public sealed class FastPathTest
{
    [TestMethod]
    [DataRow(1, 1, 1)]
    [DataRow(1, 15, 3)]
    [DataRow(1, 15, 15)]
    [DataRow(1, 1, 15)]
    [DataRow(3, 7, 8)]
    [DataRow(2, 5, 9)]
    [DataRow(2, 16, 16)]
    [DataRow(2, 4, 17)]
    [DataRow(1, 9, 33)]
    public void SmallMatrix_MatchesDoubleReference(int n, int m, int k)
    {
        var rng = new Random((n * 1000) + (m * 100) + k);
        float[] x = Random(rng, n * k), w = Random(rng, m * k), dy = Random(rng, n * m), g0 = Random(rng, m * k);

        float[] y = Random(rng, n * m);
        float[] y0 = (float[])y.Clone();
        SmallMatrix.RowDots(x, w, y, n, m, k, accumulate: true);
        float[] fresh = new float[n * m];
        SmallMatrix.RowDots(x, w, fresh, n, m, k, accumulate: false);
        float[] g = (float[])g0.Clone();
        SmallMatrix.AddOuterProducts(dy, x, g, n, m, k);
        float[] dx = Random(rng, n * k);
        SmallMatrix.CombineRows(dy, w, dx, n, m, k);

        for (int i = 0; i < n; i++)
        {
            for (int o = 0; o < m; o++)
            {
                double dot = 0;
                for (int p = 0; p < k; p++)
                {
                    dot += (double)x[(i * k) + p] * w[(o * k) + p];
                }

                Assert.AreEqual(y0[(i * m) + o] + dot, y[(i * m) + o], 1e-5);
                Assert.AreEqual(dot, fresh[(i * m) + o], 1e-5);
            }
        }

        for (int o = 0; o < m; o++)
        {
            for (int p = 0; p < k; p++)
            {
                double sum = g0[(o * k) + p];
                for (int i = 0; i < n; i++)
                {
                    sum += (double)dy[(i * m) + o] * x[(i * k) + p];
                }

                Assert.AreEqual(sum, g[(o * k) + p], 1e-5);
            }
        }

        for (int i = 0; i < n; i++)
        {
            for (int p = 0; p < k; p++)
            {
                double sum = 0;
                for (int o = 0; o < m; o++)
                {
                    sum += (double)dy[(i * m) + o] * w[(o * k) + p];
                }

                Assert.AreEqual(sum, dx[(i * k) + p], 1e-5);
            }
        }
    }

    [TestMethod]
    [DataRow(6, 9, 900, true)]
    [DataRow(2, 1, 8, false)]
    [DataRow(3, 4, 9, true)]
    [DataRow(1, 15, 33, false)]
    [DataRow(4, 9, 63, true)]
    public void ShallowProduct_MatchesDoubleReference(int m, int depth, int length, bool withBias)
    {
        var rng = new Random((m * 10000) + (depth * 1000) + length);
        float[] w = Random(rng, m * depth), cols = Random(rng, depth * length), bias = withBias ? Random(rng, m) : [];
        float[] y = Random(rng, m * length);
        SmallMatrix.ShallowProduct(w, bias, cols, y, m, depth, length);
        for (int o = 0; o < m; o++)
        {
            for (int j = 0; j < length; j++)
            {
                double sum = withBias ? bias[o] : 0;
                for (int r = 0; r < depth; r++)
                {
                    sum += (double)w[(o * depth) + r] * cols[(r * length) + j];
                }

                Assert.AreEqual(sum, y[(o * length) + j], 1e-5, $"({o}, {j})");
            }
        }
    }

    [TestMethod]
    [DataRow(30, 30)]
    [DataRow(13, 13)]
    [DataRow(9, 17)]
    [DataRow(8, 8)]
    public void MaxPool2x2_MatchesWindowScan_WithTiesNaNAndInfinity(int h, int w)
    {
        var rng = new Random((h * 100) + w);
        int planes = 3;
        var x = new Tensor(2, planes, h, w);
        Span<float> s = x.Span;
        for (int i = 0; i < s.Length; i++)
        {
            // Few distinct values, so ties are common; some NaN and −∞ (a whole −∞ window included below).
            int r = rng.Next(20);
            s[i] = r == 0 ? float.NaN : r == 1 ? float.NegativeInfinity : r % 4;
        }

        s[0] = s[1] = s[w] = s[w + 1] = float.NegativeInfinity;
        var pool = new MaxPool2d("pool", 2);
        Tensor y = pool.Forward(x);
        int oh = h / 2, ow = w / 2;
        var dy = new Tensor(2, planes, oh, ow);
        for (int i = 0; i < dy.Length; i++)
        {
            dy.Span[i] = i + 1;
        }

        float[] dx = pool.Backward(dy)!.Span.ToArray();
        var expectedDx = new float[x.Length];
        for (int plane = 0; plane < 2 * planes; plane++)
        {
            for (int oy = 0; oy < oh; oy++)
            {
                for (int ox = 0; ox < ow; ox++)
                {
                    int best = -1;
                    float max = float.NegativeInfinity;
                    for (int wy = 0; wy < 2; wy++)
                    {
                        for (int wx = 0; wx < 2; wx++)
                        {
                            int at = (plane * h * w) + (((2 * oy) + wy) * w) + (2 * ox) + wx;
                            if (s[at] > max || float.IsNaN(s[at]))
                            {
                                max = s[at];
                                best = at;
                            }
                        }
                    }

                    best = best < 0 ? (plane * h * w) + (2 * oy * w) + (2 * ox) : best;
                    int o = (((plane * oh) + oy) * ow) + ox;
                    Assert.AreEqual(s[best], y.Span[o], $"plane {plane} ({oy}, {ox})");
                    expectedDx[best] += dy.Span[o];
                }
            }
        }

        CollectionAssert.AreEqual(expectedDx, dx);
    }

    [TestMethod]
    public void Conv2d_ChunkedBatch_EqualsSumOfSingleSamples()
    {
        // 19 samples are split into chunks of 3 (and a last one of 1); the gradients must equal those of the samples one by one.
        const int n = 19;
        var conv = new Conv2d("conv", 2, 3, 3, new Random(5));
        var single = new Conv2d("conv", 2, 3, 3, new Random(5));
        var rng = new Random(9);
        var x = new Tensor(Random(rng, n * 2 * 7 * 6), n, 2, 7, 6);
        var dy = new Tensor(Random(rng, n * 3 * 5 * 4), n, 3, 5, 4);
        Tensor y = conv.Forward(x);
        float[] dx = conv.Backward(dy)!.Span.ToArray();
        float[] yAll = y.Span.ToArray();

        var dw = new double[single.Weight.Length];
        var db = new double[3];
        for (int s = 0; s < n; s++)
        {
            var xs = new Tensor(x.Span.Slice(s * 84, 84).ToArray(), 1, 2, 7, 6);
            var dys = new Tensor(dy.Span.Slice(s * 60, 60).ToArray(), 1, 3, 5, 4);
            single.ZeroGrad();
            Tensor ys = single.Forward(xs);
            CollectionAssert.AreEqual(ys.Span.ToArray(), yAll.AsSpan(s * 60, 60).ToArray(), $"output of sample {s}");
            CollectionAssert.AreEqual(single.Backward(dys)!.Span.ToArray(), dx.AsSpan(s * 84, 84).ToArray(), $"input gradient of sample {s}");
            for (int i = 0; i < dw.Length; i++)
            {
                dw[i] += single.Weight.Gradients[i];
            }

            for (int i = 0; i < 3; i++)
            {
                db[i] += single.Bias!.Gradients[i];
            }
        }

        for (int i = 0; i < dw.Length; i++)
        {
            Assert.AreEqual(dw[i], conv.Weight.Gradients[i], 1e-4);
        }

        for (int i = 0; i < 3; i++)
        {
            Assert.AreEqual(db[i], conv.Bias!.Gradients[i], 1e-4);
        }
    }

    private static float[] Random(Random rng, int length)
    {
        var a = new float[length];
        for (int i = 0; i < a.Length; i++)
        {
            a[i] = (rng.NextSingle() * 2) - 1;
        }

        return a;
    }
}
