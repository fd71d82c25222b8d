using System.Buffers.Binary;
using System.IO.Compression;
using MLGradientInsight.Trainers.Data;

namespace MLGradientInsight.Trainers.Tests.Data;

[TestClass]
public sealed class IdxReaderTest
{
    internal static byte[] Idx(int magic, int[] dims, byte[] data)
    {
        byte[] bytes = new byte[4 + (4 * dims.Length) + data.Length];
        BinaryPrimitives.WriteInt32BigEndian(bytes, magic);
        for (int i = 0; i < dims.Length; i++)
        {
            BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(4 + (4 * i)), dims[i]);
        }

        data.CopyTo(bytes, 4 + (4 * dims.Length));
        return bytes;
    }

    internal static byte[] Gzip(byte[] raw)
    {
        using var memory = new MemoryStream();
        using (var gzip = new GZipStream(memory, CompressionLevel.Optimal))
        {
            gzip.Write(raw);
        }

        return memory.ToArray();
    }

    private static byte[] Pixels(int count, int rows, int cols, int seed)
    {
        byte[] data = new byte[count * rows * cols];
        new Random(seed).NextBytes(data);
        return data;
    }

    [TestMethod]
    [DataRow(false, "images.idx")]
    [DataRow(true, "images.idx")]
    [DataRow(false, "looks-compressed.gz")]
    [DataRow(true, "no-extension")]
    public void ReadImages_RawOrGzipDetectedByContent_ReturnsHeaderDimsAndPixels(bool compress, string fileName)
    {
        using var dir = new TempDirectory();
        byte[] pixels = Pixels(7, 3, 5, 1);
        byte[] file = Idx(IdxReader.ImagesMagic, [7, 3, 5], pixels);
        string path = dir.Write(fileName, compress ? Gzip(file) : file);

        IdxImages images = IdxReader.ReadImages(path);

        Assert.AreEqual(7, images.Count);
        Assert.AreEqual(3, images.Rows);
        Assert.AreEqual(5, images.Columns);
        CollectionAssert.AreEqual(pixels, images.Pixels);
        CollectionAssert.AreEqual(pixels[15..30], images.Image(1).ToArray());
    }

    [TestMethod]
    public void ReadImages_WithLimit_ReadsOnlyTheFirstImages()
    {
        using var dir = new TempDirectory();
        byte[] pixels = Pixels(10, 2, 2, 2);
        string path = dir.Write("i.gz", Gzip(Idx(IdxReader.ImagesMagic, [10, 2, 2], pixels)));

        IdxImages images = IdxReader.ReadImages(path, limit: 3);

        Assert.AreEqual(3, images.Count);
        CollectionAssert.AreEqual(pixels[..12], images.Pixels);
    }

    [TestMethod]
    public void ReadLabels_ReturnsLabels()
    {
        using var dir = new TempDirectory();
        string path = dir.Write("l", Idx(IdxReader.LabelsMagic, [4], [3, 0, 9, 1]));

        CollectionAssert.AreEqual(new byte[] { 3, 0, 9, 1 }, IdxReader.ReadLabels(path));
    }

    [TestMethod]
    public void ReadDataset_ScalesPixelsToUnitRangeAndKeepsLabels()
    {
        using var dir = new TempDirectory();
        byte[] pixels = [0, 255, 51, 102, 1, 2, 3, 4];
        string images = dir.Write("i", Gzip(Idx(IdxReader.ImagesMagic, [2, 2, 2], pixels)));
        string labels = dir.Write("l", Idx(IdxReader.LabelsMagic, [2], [1, 2]));

        Dataset data = IdxReader.ReadDataset("tiny", images, labels, classCount: 3);

        CollectionAssert.AreEqual(new[] { 2, 1, 2, 2 }, data.Features.Shape.ToArray());
        for (int i = 0; i < pixels.Length; i++)
        {
            Assert.AreEqual(pixels[i] / 255f, data.Features.Span[i], 1e-7f);
        }

        CollectionAssert.AreEqual(new[] { 1f, 2f }, data.Targets.Span.ToArray());
        Assert.AreEqual(3, data.ClassCount);
    }

    public enum BadIdx
    {
        Missing,
        WrongMagic,
        NotIdx,
        TruncatedHeader,
        TruncatedData,
        TruncatedGzip,
        CorruptGzip,
        NegativeDimension,
        ImplausibleRawHeader,
        HugeDimensions,
    }

    [TestMethod]
    [DataRow(BadIdx.Missing, "does not exist", "sudo apt-get install dataset-fashion-mnist", null)]
    [DataRow(BadIdx.WrongMagic, "expected IDX magic 0x00000803", "found 0x00000801 (that is a label file)", 0L)]
    [DataRow(BadIdx.NotIdx, "expected IDX magic 0x00000803", "not an IDX file", 0L)]
    [DataRow(BadIdx.TruncatedHeader, "truncated", "expected 4 bytes for dimension 2 at byte 12", 14L)]
    [DataRow(BadIdx.TruncatedData, "truncated", "[3, 4, 4] = 48 bytes of data from byte 16 but only 40 are available", 56L)]
    [DataRow(BadIdx.TruncatedGzip, "truncated", "of the decompressed data but only", null)]
    [DataRow(BadIdx.CorruptGzip, "gzip stream is corrupt", "", null)]
    [DataRow(BadIdx.HugeDimensions, "truncated", "= 9903520300447984150353281023 bytes of data", 16L)]
    [DataRow(BadIdx.ImplausibleRawHeader, "truncated", "[100000, 28, 28] = 78400000 bytes of data from byte 16 but only 48 are available", 64L)]
    [DataRow(BadIdx.NegativeDimension, "dimension 1 is -4", "non-negative", 8L)]
    public void ReadImages_BadFile_ThrowsDataFormatExceptionNamingFileAndPosition(BadIdx kind, string expected1, string expected2, long? offset)
    {
        using var dir = new TempDirectory();
        byte[] good = Idx(IdxReader.ImagesMagic, [3, 4, 4], Pixels(3, 4, 4, 3));
        string path = dir.File("bad-images");
        switch (kind)
        {
            case BadIdx.Missing:
                break;
            case BadIdx.WrongMagic:
                dir.Write("bad-images", Idx(IdxReader.LabelsMagic, [3], [1, 2, 3]));
                break;
            case BadIdx.NotIdx:
                dir.Write("bad-images", "P5 28 28 255 this is not IDX"u8.ToArray());
                break;
            case BadIdx.TruncatedHeader:
                dir.Write("bad-images", good[..14]);
                break;
            case BadIdx.TruncatedData:
                dir.Write("bad-images", good[..^8]);
                break;
            case BadIdx.TruncatedGzip:
            {
                byte[] big = Idx(IdxReader.ImagesMagic, [50, 28, 28], Pixels(50, 28, 28, 4));
                byte[] gz = Gzip(big);
                dir.Write("bad-images", gz[..(gz.Length / 2)]);
                break;
            }

            case BadIdx.CorruptGzip:
            {
                byte[] big = Idx(IdxReader.ImagesMagic, [50, 28, 28], Pixels(50, 28, 28, 5));
                byte[] gz = Gzip(big);
                gz[2] = 7; // compression method: gzip allows only 8 (deflate)

                dir.Write("bad-images", gz);
                break;
            }

            case BadIdx.HugeDimensions:
                dir.Write("bad-images", Idx(IdxReader.ImagesMagic, [int.MaxValue, int.MaxValue, int.MaxValue], []));
                break;
            case BadIdx.ImplausibleRawHeader:
                dir.Write("bad-images", Idx(IdxReader.ImagesMagic, [100000, 28, 28], Pixels(3, 4, 4, 3)));
                break;
            case BadIdx.NegativeDimension:
                dir.Write("bad-images", Idx(IdxReader.ImagesMagic, [3, -4, 4], []));
                break;
        }

        DataFormatException e = Assert.ThrowsExactly<DataFormatException>(() => IdxReader.ReadImages(path));

        Assert.AreEqual(path, e.FilePath);
        StringAssert.Contains(e.Message, path);
        StringAssert.Contains(e.Message, expected1);
        StringAssert.Contains(e.Message, expected2);
        if (offset is long o)
        {
            Assert.AreEqual(o, e.ByteOffset);
            StringAssert.Contains(e.Message, $"byte {o}:");
        }
    }

    [TestMethod]
    public void ReadImages_GzipWithCorruptHeaderCount_FailsAsTruncatedWithoutHugeAllocation()
    {
        using var dir = new TempDirectory();
        string path = dir.Write("i.gz", Gzip(Idx(IdxReader.ImagesMagic, [1_000_000, 28, 28], Pixels(2, 28, 28, 8))));

        DataFormatException e = Assert.ThrowsExactly<DataFormatException>(() => IdxReader.ReadImages(path));

        StringAssert.Contains(e.Message, "but only 1568 are available (the compressed stream ends early)");
        Assert.AreEqual(16L + 1568, e.ByteOffset);
    }

    [TestMethod]
    public void ReadDataset_LabelCountDiffersFromImageCount_ThrowsNamingBothCounts()
    {
        using var dir = new TempDirectory();
        string images = dir.Write("i", Idx(IdxReader.ImagesMagic, [3, 2, 2], Pixels(3, 2, 2, 6)));
        string labels = dir.Write("l", Idx(IdxReader.LabelsMagic, [2], [0, 1]));

        DataFormatException e = Assert.ThrowsExactly<DataFormatException>(() => IdxReader.ReadDataset("x", images, labels, 10));

        Assert.AreEqual(labels, e.FilePath);
        StringAssert.Contains(e.Message, "holds 2 labels");
        StringAssert.Contains(e.Message, "holds 3 images");
    }

    [TestMethod]
    public void ReadDataset_CountMismatchBeyondLimit_IsStillDetected()
    {
        using var dir = new TempDirectory();
        string images = dir.Write("i", Idx(IdxReader.ImagesMagic, [5, 2, 2], Pixels(5, 2, 2, 7)));
        string labels = dir.Write("l", Idx(IdxReader.LabelsMagic, [4], [0, 1, 0, 1]));

        Assert.ThrowsExactly<DataFormatException>(() => IdxReader.ReadDataset("x", images, labels, 10, limit: 2));
    }

    [TestMethod]
    public void ReadDataset_LabelOutOfRange_ThrowsAtTheLabelByte()
    {
        using var dir = new TempDirectory();
        string images = dir.Write("i", Idx(IdxReader.ImagesMagic, [3, 1, 1], [1, 2, 3]));
        string labels = dir.Write("l", Idx(IdxReader.LabelsMagic, [3], [0, 12, 1]));

        DataFormatException e = Assert.ThrowsExactly<DataFormatException>(() => IdxReader.ReadDataset("x", images, labels, 10));

        Assert.AreEqual(9L, e.ByteOffset);
        StringAssert.Contains(e.Message, "label 1 is 12");
    }
}
