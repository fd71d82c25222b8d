using MLGradientInsight.Trainers.Data;

namespace MLGradientInsight.Trainers.Tests.Data;

[TestClass]
public sealed class FashionMnistTest
{
    private static void RequireInstalled()
    {
        if (!FashionMnist.IsInstalled())
        {
            Assert.Inconclusive("Fashion-MNIST not installed: sudo apt-get install dataset-fashion-mnist");
        }
    }

    private static int[] ClassCounts(Dataset data)
    {
        int[] counts = new int[data.ClassCount];
        foreach (float t in data.Targets.Span)
        {
            counts[(int)t]++;
        }

        return counts;
    }

    [TestMethod]
    public void Load_Installed_Gives60000TrainAnd10000TestBalancedImagesInUnitRange()
    {
        RequireInstalled();

        (Dataset train, Dataset test) = FashionMnist.Load();

        CollectionAssert.AreEqual(new[] { 60000, 1, 28, 28 }, train.Features.Shape.ToArray());
        CollectionAssert.AreEqual(new[] { 10000, 1, 28, 28 }, test.Features.Shape.ToArray());
        Assert.AreEqual(10, train.ClassCount);
        // Published property of the data set: 6000 training and 1000 test images per class.
        CollectionAssert.AreEqual(Enumerable.Repeat(6000, 10).ToArray(), ClassCounts(train));
        CollectionAssert.AreEqual(Enumerable.Repeat(1000, 10).ToArray(), ClassCounts(test));
        // The first training label is 9 (ankle boot); checked independently with Python's gzip module.
        Assert.AreEqual(9f, train.Targets.Span[0]);
        float min = float.MaxValue, max = float.MinValue;
        double sum = 0;
        foreach (float v in train.Features.Span)
        {
            min = Math.Min(min, v);
            max = Math.Max(max, v);
            sum += v;
        }

        Assert.AreEqual(0f, min);
        Assert.AreEqual(1f, max);
        Assert.AreEqual(FashionMnist.PixelMean, sum / train.Features.Length, 5e-4);
    }

    [TestMethod]
    public void Load_PadTo32_CentresTheImageInAZeroBorder()
    {
        RequireInstalled();

        (Dataset plain, _) = FashionMnist.Load(limit: 20);
        (Dataset padded, Dataset paddedTest) = FashionMnist.Load(padTo32: true, limit: 20);

        CollectionAssert.AreEqual(new[] { 20, 1, 32, 32 }, padded.Features.Shape.ToArray());
        Assert.AreEqual(20, paddedTest.Count);
        ReadOnlySpan<float> p = padded.Features.Span, q = plain.Features.Span;
        for (int n = 0; n < 20; n++)
        {
            for (int r = 0; r < 32; r++)
            {
                for (int c = 0; c < 32; c++)
                {
                    bool inside = r is >= 2 and < 30 && c is >= 2 and < 30;
                    float expected = inside ? q[(n * 784) + ((r - 2) * 28) + (c - 2)] : 0f;
                    Assert.AreEqual(expected, p[(n * 1024) + (r * 32) + c]);
                }
            }
        }

        CollectionAssert.AreEqual(plain.Targets.Span.ToArray(), padded.Targets.Span.ToArray());
    }

    [TestMethod]
    [DataRow(1, 1, 1, 0)]
    [DataRow(3, 5, 7, 1)]
    [DataRow(2, 28, 28, 2)]
    public void ToPaddedUnitFloats_EqualsUnitFloatsInAZeroBorder(int n, int h, int w, int border)
    {
        byte[] pixels = new byte[n * h * w];
        new Random(n + h + w).NextBytes(pixels);
        pixels[0] = 255;

        Tensor padded = FashionMnist.ToPaddedUnitFloats(pixels, n, h, w, border);

        int ph = h + (2 * border), pw = w + (2 * border);
        CollectionAssert.AreEqual(new[] { n, 1, ph, pw }, padded.Shape.ToArray());
        ReadOnlySpan<float> p = padded.Span;
        for (int i = 0; i < n; i++)
        {
            for (int r = 0; r < ph; r++)
            {
                for (int c = 0; c < pw; c++)
                {
                    bool inside = r >= border && r < h + border && c >= border && c < w + border;
                    float expected = inside ? pixels[(i * h * w) + ((r - border) * w) + (c - border)] / 255f : 0f;
                    Assert.AreEqual(expected, p[(((i * ph) + r) * pw) + c], $"image {i} row {r} column {c}");
                }
            }
        }
    }

    [TestMethod]
    public void Load_Normalize_AppliesMeanAndStandardDeviation()
    {
        RequireInstalled();

        (Dataset plain, _) = FashionMnist.Load(limit: 5);
        (Dataset normal, _) = FashionMnist.Load(new FashionMnistOptions { Limit = 5, Normalize = true, Mean = 0.5f, StandardDeviation = 0.25f });

        for (int i = 0; i < plain.Features.Length; i++)
        {
            Assert.AreEqual((plain.Features.Span[i] - 0.5f) / 0.25f, normal.Features.Span[i], 1e-6f);
        }
    }

    [TestMethod]
    public void Load_MissingDirectory_SaysHowToInstall()
    {
        using var dir = new TempDirectory();

        Assert.IsFalse(FashionMnist.IsInstalled(dir.Path));
        DataFormatException e = Assert.ThrowsExactly<DataFormatException>(() => FashionMnist.Load(dir.Path));

        StringAssert.Contains(e.Message, "sudo apt-get install dataset-fashion-mnist");
        StringAssert.Contains(e.Message, FashionMnist.TrainImagesFile);
        StringAssert.Contains(e.Message, dir.Path);
    }

    [TestMethod]
    public void Load_FromOtherDirectoryWithSmallFiles_ReadsThem()
    {
        using var dir = new TempDirectory();
        byte[] one = new byte[28 * 28];
        one[0] = 255;
        dir.Write(FashionMnist.TrainImagesFile, IdxReaderTest.Gzip(IdxReaderTest.Idx(IdxReader.ImagesMagic, [2, 28, 28], [.. one, .. one])));
        dir.Write(FashionMnist.TrainLabelsFile, IdxReaderTest.Gzip(IdxReaderTest.Idx(IdxReader.LabelsMagic, [2], [4, 7])));
        dir.Write(FashionMnist.TestImagesFile, IdxReaderTest.Gzip(IdxReaderTest.Idx(IdxReader.ImagesMagic, [1, 28, 28], one)));
        dir.Write(FashionMnist.TestLabelsFile, IdxReaderTest.Gzip(IdxReaderTest.Idx(IdxReader.LabelsMagic, [1], [3])));

        Assert.IsTrue(FashionMnist.IsInstalled(dir.Path));
        (Dataset train, Dataset test) = FashionMnist.Load(dir.Path);

        Assert.AreEqual(2, train.Count);
        Assert.AreEqual(1, test.Count);
        Assert.AreEqual(1f, train.Features.Span[0]);
        Assert.AreEqual(3f, test.Targets.Span[0]);
        Assert.AreEqual("Coat", FashionMnist.ClassNames[(int)train.Targets.Span[0]]);
    }

    [TestMethod]
    public void ClassNames_AreTheTenPublishedClasses()
    {
        Assert.HasCount(10, FashionMnist.ClassNames);
        Assert.AreEqual("T-shirt/top", FashionMnist.ClassNames[0]);
        Assert.AreEqual("Ankle boot", FashionMnist.ClassNames[9]);
    }
}
