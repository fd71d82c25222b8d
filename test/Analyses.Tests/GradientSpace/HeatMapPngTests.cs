using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;
using MLGradientInsight.Analyses.GradientSpace;

namespace MLGradientInsight.Analyses.Tests.GradientSpace;

[TestClass]
public sealed class HeatMapPngTests
{
    private static readonly byte[] s_signature = [137, 80, 78, 71, 13, 10, 26, 10];

    [TestMethod]
    public void Crc32_matches_the_standard_check_value()
    {
        // The CRC-32 check value of "123456789" (ISO 3309 / zlib's crc32) is 0xCBF43926.
        Assert.AreEqual(0xCBF43926u, HeatMapPng.Crc32(Encoding.ASCII.GetBytes("123456789")));
        // IEND's CRC as written in every PNG file.
        Assert.AreEqual(0xAE426082u, HeatMapPng.Crc32(Encoding.ASCII.GetBytes("IEND")));
    }

    [TestMethod]
    public void A_small_map_is_a_valid_png_with_the_svg_colours_in_cell_blocks()
    {
        // 2 rows × 3 columns; min 0, max 4, one NaN and one +∞ cell (red, left out of the range, as in the SVG).
        float[,] map = { { 0f, 1f, float.NaN }, { 4f, float.PositiveInfinity, 2f } };
        const int Cell = 3;
        using var stream = new MemoryStream();
        HeatMapPng.Write(map, stream, Cell);
        byte[] bytes = stream.ToArray();

        CollectionAssert.AreEqual(s_signature, bytes[..8]);
        List<(string Type, byte[] Data)> chunks = ReadChunks(bytes);
        CollectionAssert.AreEqual(new[] { "IHDR", "IDAT", "IEND" }, chunks.Select(c => c.Type).ToArray());

        byte[] header = chunks[0].Data;
        Assert.HasCount(13, header);
        int width = BinaryPrimitives.ReadInt32BigEndian(header), height = BinaryPrimitives.ReadInt32BigEndian(header.AsSpan(4));
        Assert.AreEqual(3 * Cell, width);
        Assert.AreEqual(2 * Cell, height);
        CollectionAssert.AreEqual(new byte[] { 8, 2, 0, 0, 0 }, header[8..], "8-bit RGB, deflate, filter 0, no interlace");

        byte[] pixels = Inflate(chunks[1].Data);
        Assert.HasCount(height * (1 + (width * 3)), pixels);

        (byte, byte, byte)[,] expected =
        {
            { (255, 255, 255), (191, 191, 191), (255, 0, 0) },
            { (0, 0, 0), (255, 0, 0), (128, 128, 128) },
        };
        int stride = 1 + (width * 3);
        for (int y = 0; y < height; y++)
        {
            Assert.AreEqual(0, pixels[y * stride], $"row {y} filter byte");
            for (int x = 0; x < width; x++)
            {
                int at = (y * stride) + 1 + (x * 3);
                (byte r, byte g, byte b) = expected[y / Cell, x / Cell];
                Assert.AreEqual((r, g, b), (pixels[at], pixels[at + 1], pixels[at + 2]), $"pixel ({x}, {y})");
            }
        }
    }

    [TestMethod]
    public void A_constant_map_is_white_and_an_empty_map_or_bad_cell_size_is_refused()
    {
        using var stream = new MemoryStream();
        HeatMapPng.Write(new float[,] { { 5f, 5f } }, stream, 1);
        byte[] pixels = Inflate(ReadChunks(stream.ToArray())[1].Data);
        CollectionAssert.AreEqual(new byte[] { 0, 255, 255, 255, 255, 255, 255 }, pixels);

        Assert.ThrowsExactly<ArgumentException>(() => HeatMapPng.Write(new float[0, 4], new MemoryStream()));
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => HeatMapPng.Write(new float[1, 1], new MemoryStream(), 0));
    }

    /// <summary>Splits the bytes after the signature into chunks, asserting each chunk's length fits and its CRC verifies.</summary>
    private static List<(string Type, byte[] Data)> ReadChunks(byte[] png)
    {
        var chunks = new List<(string, byte[])>();
        int at = 8;
        while (at < png.Length)
        {
            int length = BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(at));
            Assert.IsLessThanOrEqualTo(png.Length, at + 12 + length, "chunk fits in the file");
            string type = Encoding.ASCII.GetString(png, at + 4, 4);
            uint crc = BinaryPrimitives.ReadUInt32BigEndian(png.AsSpan(at + 8 + length));
            Assert.AreEqual(HeatMapPng.Crc32(png.AsSpan(at + 4, 4 + length)), crc, $"{type} CRC");
            chunks.Add((type, png[(at + 8)..(at + 8 + length)]));
            at += 12 + length;
        }

        return chunks;
    }

    private static byte[] Inflate(byte[] zlib)
    {
        using var input = new ZLibStream(new MemoryStream(zlib), CompressionMode.Decompress);
        using var output = new MemoryStream();
        input.CopyTo(output);
        return output.ToArray();
    }
}
