using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;

namespace MLGradientInsight.Analyses.GradientSpace;

/// <summary>
/// Writes a 2-D map (an <see cref="GradientImportanceResult.ImportanceMap"/>) as an 8-bit RGB PNG of square cells, with the colours of
/// <see cref="HeatMapSvg"/>: grey levels, darkest for the largest value, NaN and ±∞ cells red. The PNG has no title.
/// </summary>
/// <remarks>Hand-written because no well-kept managed PNG encoder is among the packages the project can use, and the subset needed is
/// tiny: the signature, one IHDR, one IDAT (rows with filter byte 0, compressed by .NET's <see cref="ZLibStream"/>) and IEND, each chunk
/// with its CRC-32 (PNG specification, ISO/IEC 15948, §5 and annex D).</remarks>
public static class HeatMapPng
{
    /// <summary>The eight bytes every PNG file starts with.</summary>
    public static ReadOnlySpan<byte> Signature => [137, 80, 78, 71, 13, 10, 26, 10];

    private static readonly uint[] s_crcTable = CreateCrcTable();

    /// <summary>Writes the map.</summary>
    /// <param name="map">The values, [row, column]; NaN and ±∞ cells are drawn red.</param>
    /// <param name="stream">Where the PNG bytes go (left open).</param>
    /// <param name="cellSize">Pixels per cell (each cell is a <paramref name="cellSize"/> × <paramref name="cellSize"/> block).</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="cellSize"/> is not positive.</exception>
    /// <exception cref="ArgumentException"><paramref name="map"/> is empty.</exception>
    public static void Write(float[,] map, Stream stream, int cellSize = 10)
    {
        ArgumentNullException.ThrowIfNull(map);
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(cellSize);
        int rows = map.GetLength(0), columns = map.GetLength(1);
        if (rows == 0 || columns == 0)
        {
            throw new ArgumentException($"The map is empty ({rows} × {columns}); a PNG needs at least one cell.", nameof(map));
        }

        int width = checked(columns * cellSize), height = checked(rows * cellSize);
        stream.Write(Signature);

        Span<byte> header = stackalloc byte[13];
        BinaryPrimitives.WriteInt32BigEndian(header, width);
        BinaryPrimitives.WriteInt32BigEndian(header[4..], height);
        header[8] = 8;   // bit depth
        header[9] = 2;   // colour type: RGB
        header[10] = 0;  // compression: deflate
        header[11] = 0;  // filter method 0
        header[12] = 0;  // no interlace
        WriteChunk(stream, "IHDR", header);

        HeatMapScale scale = HeatMapScale.Of(map);
        byte[] row = new byte[1 + (width * 3)];
        using var compressed = new MemoryStream();
        using (var zlib = new ZLibStream(compressed, CompressionLevel.Optimal, leaveOpen: true))
        {
            for (int r = 0; r < rows; r++)
            {
                row[0] = 0; // filter type None
                for (int c = 0; c < columns; c++)
                {
                    (byte red, byte green, byte blue) = scale.Colour(map[r, c]);
                    for (int p = 0; p < cellSize; p++)
                    {
                        int at = 1 + (((c * cellSize) + p) * 3);
                        row[at] = red;
                        row[at + 1] = green;
                        row[at + 2] = blue;
                    }
                }

                for (int p = 0; p < cellSize; p++)
                {
                    zlib.Write(row);
                }
            }
        }

        WriteChunk(stream, "IDAT", compressed.GetBuffer().AsSpan(0, (int)compressed.Length));
        WriteChunk(stream, "IEND", []);
    }

    /// <summary>The CRC-32 of PNG chunks (ISO 3309 / ITU-T V.42, polynomial 0xEDB88320, reflected) over <paramref name="bytes"/>.</summary>
    /// <param name="bytes">The chunk type followed by the chunk data.</param>
    public static uint Crc32(ReadOnlySpan<byte> bytes)
    {
        uint crc = 0xFFFFFFFFu;
        foreach (byte b in bytes)
        {
            crc = s_crcTable[(crc ^ b) & 0xFF] ^ (crc >> 8);
        }

        return crc ^ 0xFFFFFFFFu;
    }

    private static void WriteChunk(Stream stream, string type, ReadOnlySpan<byte> data)
    {
        byte[] typeAndData = new byte[4 + data.Length];
        Encoding.ASCII.GetBytes(type, typeAndData);
        data.CopyTo(typeAndData.AsSpan(4));
        Span<byte> word = stackalloc byte[4];
        BinaryPrimitives.WriteInt32BigEndian(word, data.Length);
        stream.Write(word);
        stream.Write(typeAndData);
        BinaryPrimitives.WriteUInt32BigEndian(word, Crc32(typeAndData));
        stream.Write(word);
    }

    private static uint[] CreateCrcTable()
    {
        var table = new uint[256];
        for (uint n = 0; n < 256; n++)
        {
            uint c = n;
            for (int k = 0; k < 8; k++)
            {
                c = (c & 1) != 0 ? 0xEDB88320u ^ (c >> 1) : c >> 1;
            }

            table[n] = c;
        }

        return table;
    }
}
