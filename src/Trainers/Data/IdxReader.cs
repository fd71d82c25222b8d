using System.Buffers.Binary;
using System.Globalization;
using System.IO.Compression;
using System.Numerics.Tensors;

namespace MLGradientInsight.Trainers.Data;

/// <summary>
/// Reads IDX files (the MNIST / Fashion-MNIST format), raw or gzip-compressed.
/// </summary>
/// <remarks>
/// <para>Layout: a big-endian 32-bit magic <c>0x0000TTDD</c> (TT = element type, 0x08 = unsigned
/// byte; DD = number of dimensions), DD big-endian 32-bit dimension sizes, then the elements in
/// row-major order. Images are <c>0x00000803</c> (count, rows, columns); labels are
/// <c>0x00000801</c> (count).</para>
/// <para>Compression is detected from the content (gzip magic <c>1F 8B</c>), not from the file
/// name. Elements are read straight into the result array through one buffered stream, so a
/// 60 000-image file needs one allocation for the pixels.</para>
/// </remarks>
public static class IdxReader
{
    /// <summary>The magic number of an unsigned-byte, three-dimensional IDX file (images).</summary>
    public const int ImagesMagic = 0x00000803;

    /// <summary>The magic number of an unsigned-byte, one-dimensional IDX file (labels).</summary>
    public const int LabelsMagic = 0x00000801;

    private const int StreamBufferSize = 1 << 16;

    /// <summary>Reads an image file (magic <c>0x00000803</c>).</summary>
    /// <param name="path">The file, raw or gzip-compressed.</param>
    /// <param name="limit">Read at most this many images (the rest of the file is not read), or <see langword="null"/> for all.</param>
    /// <returns>The images.</returns>
    /// <exception cref="DataFormatException">The file is missing, has the wrong magic, or is truncated or corrupt.</exception>
    public static IdxImages ReadImages(string path, int? limit = null)
    {
        (int[] dims, byte[] data, _) = Read(path, ImagesMagic, "images (count, rows, columns)", limit);
        return new IdxImages(data, dims[0], dims[1], dims[2]);
    }

    /// <summary>Reads a label file (magic <c>0x00000801</c>).</summary>
    /// <param name="path">The file, raw or gzip-compressed.</param>
    /// <param name="limit">Read at most this many labels, or <see langword="null"/> for all.</param>
    /// <returns>One byte per label.</returns>
    /// <exception cref="DataFormatException">The file is missing, has the wrong magic, or is truncated or corrupt.</exception>
    public static byte[] ReadLabels(string path, int? limit = null) => Read(path, LabelsMagic, "labels (count)", limit).Data;

    /// <summary>Reads the header and the (possibly limited) data; returns the dimensions (dimension 0 limited), the data and the declared count.</summary>

    /// <summary>
    /// Reads an image file and its label file as a classification dataset with features scaled to
    /// [0, 1] (pixel / 255), shape (N, 1, rows, columns), and class-index targets, shape (N).
    /// </summary>
    /// <param name="name">The dataset name.</param>
    /// <param name="imagesPath">The image file.</param>
    /// <param name="labelsPath">The label file.</param>
    /// <param name="classCount">The number of classes; every label must be below it.</param>
    /// <param name="limit">Read at most this many samples, or <see langword="null"/> for all.</param>
    /// <returns>The dataset.</returns>
    /// <exception cref="DataFormatException">A file is invalid, the counts differ, or a label is out of range.</exception>
    public static Dataset ReadDataset(string name, string imagesPath, string labelsPath, int classCount, int? limit = null)
    {
        (int[] dims, byte[] pixels, byte[] labels) = ReadSamples(imagesPath, labelsPath, classCount, limit);
        var features = new Tensor(dims[0], 1, dims[1], dims[2]);
        ToUnitFloats(pixels, features.Span);
        return new Dataset(name, features, Targets(labels), classCount);
    }

    /// <summary>Reads and checks an image file and its label file, leaving the pixels as bytes.</summary>
    /// <param name="imagesPath">The image file.</param>
    /// <param name="labelsPath">The label file.</param>
    /// <param name="classCount">The number of classes; every label must be below it.</param>
    /// <param name="limit">Read at most this many samples, or <see langword="null"/> for all.</param>
    /// <returns>The image shape (count, rows, columns), the pixels and the labels.</returns>
    /// <exception cref="DataFormatException">A file is invalid, the counts differ, a label is out of range, or there are no pixels.</exception>
    internal static (int[] Dims, byte[] Pixels, byte[] Labels) ReadSamples(string imagesPath, string labelsPath, int classCount, int? limit)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(classCount);
        (int[] dims, byte[] pixels, int imageCount) = Read(imagesPath, ImagesMagic, "images (count, rows, columns)", limit);
        (_, byte[] labels, int labelCount) = Read(labelsPath, LabelsMagic, "labels (count)", limit);
        CheckLabels(labelsPath, labels, labelCount, imagesPath, imageCount, classCount);
        if (dims[0] == 0 || dims[1] == 0 || dims[2] == 0)
        {
            throw DataFormatException.AtByte(imagesPath, 4,
                $"the image file holds no pixels (shape {Tensor.FormatShape(dims)}); a dataset needs at least one non-empty image.");
        }

        return (dims, pixels, labels);
    }

    /// <summary>Labels as a float tensor of class indices.</summary>
    /// <param name="labels">The labels.</param>
    /// <returns>The tensor, shape (N).</returns>
    internal static Tensor Targets(ReadOnlySpan<byte> labels)
    {
        var targets = new Tensor(labels.Length);
        TensorPrimitives.ConvertChecked<byte, float>(labels, targets.Span);
        return targets;
    }

    /// <summary>Converts bytes to floats in [0, 1] (value / 255), as torchvision's <c>ToTensor</c>.</summary>
    /// <param name="pixels">The bytes.</param>
    /// <param name="destination">Receives the floats; same length as <paramref name="pixels"/>.</param>
    /// <exception cref="ArgumentException">The lengths differ.</exception>
    public static void ToUnitFloats(ReadOnlySpan<byte> pixels, Span<float> destination)
    {
        if (pixels.Length != destination.Length)
        {
            throw new ArgumentException($"{pixels.Length} pixels but {destination.Length} destination values.", nameof(destination));
        }

        TensorPrimitives.ConvertChecked<byte, float>(pixels, destination);
        TensorPrimitives.Divide(destination, 255f, destination);
    }

    /// <summary>Checks that the declared label count matches the image count and that every label is a valid class.</summary>
    private static void CheckLabels(string labelsPath, byte[] labels, int labelCount, string imagesPath, int imageCount, int classCount)
    {
        if (labelCount != imageCount)
        {
            throw DataFormatException.AtByte(labelsPath, 4,
                $"the label file holds {labelCount} labels but the image file {imagesPath} holds {imageCount} images; "
                + "the two files must describe the same samples (are they from the same split, e.g. both train-* or both t10k-*?).");
        }

        for (int i = 0; i < labels.Length; i++)
        {
            if (labels[i] >= classCount)
            {
                throw DataFormatException.AtByte(labelsPath, 8 + i,
                    $"label {i} is {labels[i]} but there are only {classCount} classes (labels 0..{classCount - 1}); the file is not a label file of this dataset.");
            }
        }
    }

    private static (int[] Dims, byte[] Data, int DeclaredCount) Read(string path, int expectedMagic, string what, int? limit)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        if (limit is int l)
        {
            ArgumentOutOfRangeException.ThrowIfNegativeOrZero(l, nameof(limit));
        }

        if (!File.Exists(path))
        {
            throw DataFormatException.InFile(path,
                $"the IDX file does not exist. For Fashion-MNIST install it with 'sudo apt-get install dataset-fashion-mnist' "
                + $"(files in {FashionMnist.DefaultDirectory}) or download the four *-ubyte.gz files into the directory you pass.");
        }

        using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, StreamBufferSize, FileOptions.SequentialScan);
        Span<byte> sniff = stackalloc byte[2];
        int sniffed = file.ReadAtLeast(sniff, 2, throwOnEndOfStream: false);
        file.Position = 0;
        bool gzip = sniffed == 2 && sniff[0] == 0x1F && sniff[1] == 0x8B;
        using Stream stream = gzip ? new BufferedStream(new GZipStream(file, CompressionMode.Decompress), StreamBufferSize) : file;
        string where = gzip ? " of the decompressed data" : string.Empty;

        Span<byte> word = stackalloc byte[4];
        ReadExactly(stream, path, word, 0, "the 4-byte magic number", where);
        int magic = BinaryPrimitives.ReadInt32BigEndian(word);
        if (magic != expectedMagic)
        {
            string hint = magic switch
            {
                ImagesMagic => " (that is an image file)",
                LabelsMagic => " (that is a label file)",
                _ when (magic & unchecked((int)0xFFFF0000)) != 0 => " (not an IDX file: the first two bytes of an IDX file are zero)",
                _ => " (an IDX file of another element type or rank)",
            };
            throw DataFormatException.AtByte(path, 0,
                $"expected IDX magic 0x{expectedMagic:X8} for {what} but found 0x{magic:X8}{hint}; pass the right file.");
        }

        int rank = magic & 0xFF;
        int[] dims = new int[rank];
        Int128 total = 1; // at most three factors below 2³¹: cannot overflow
        for (int d = 0; d < rank; d++)
        {
            long offset = 4 + (4 * d);
            ReadExactly(stream, path, word, offset, $"dimension {d}", where);
            dims[d] = BinaryPrimitives.ReadInt32BigEndian(word);
            if (dims[d] < 0)
            {
                throw DataFormatException.AtByte(path, offset, $"dimension {d} is {dims[d]}; IDX dimensions must be non-negative. The file is corrupt.");
            }

            total *= d == 0 ? Math.Min(dims[0], limit ?? int.MaxValue) : dims[d];
        }

        int declaredCount = rank > 0 ? dims[0] : 1;
        if (limit is int max && max < dims[0])
        {
            dims[0] = max;
        }

        long dataOffset = 4 + (4L * rank);
        long available = gzip ? long.MaxValue : file.Length - dataOffset;
        if (total > Array.MaxLength || total > available)
        {
            string problem = total > available ? "the file is truncated" : "the header is implausible";
            throw DataFormatException.AtByte(path, Math.Min(dataOffset + available, file.Length),
                $"{problem}: the header announces {Tensor.FormatShape(dims)} = {total} bytes of data from byte {dataOffset} "
                + $"but {(total > available ? "only " + available.ToString(CultureInfo.InvariantCulture) + " are available" : "that is more than one array can hold")}. "
                + "The file is corrupt or cut short; download or install it again.");
        }

        // A gzip file's size is unknown until it is decompressed: start with a generous guess
        // (every real IDX file fits at once) so that a corrupt header cannot trigger a huge allocation.
        int capacity = gzip ? (int)Int128.Min(total, (16 * file.Length) + (1 << 20)) : (int)total;
        byte[] data = GC.AllocateUninitializedArray<byte>(capacity);
        int read = ReadFully(stream, path, ref data, (int)total, dataOffset, gzip);
        if (read < total)
        {
            throw DataFormatException.AtByte(path, dataOffset + read,
                $"the file is truncated: the header announces {Tensor.FormatShape(dims)} = {total} bytes of data from byte {dataOffset}{where} "
                + $"but only {read} are available{(gzip ? " (the compressed stream ends early)" : string.Empty)}. Download or install the file again.");
        }

        return (dims, data, declaredCount);
    }

    private static void ReadExactly(Stream stream, string path, Span<byte> destination, long offset, string what, string where)
    {
        int read;
        try
        {
            read = stream.ReadAtLeast(destination, destination.Length, throwOnEndOfStream: false);
        }
        catch (InvalidDataException e)
        {
            throw DataFormatException.AtByte(path, offset, $"the gzip stream is corrupt ({e.Message}). Download or install the file again.", e);
        }

        if (read < destination.Length)
        {
            throw DataFormatException.AtByte(path, offset + read,
                $"the file is truncated: expected {destination.Length} bytes for {what} at byte {offset}{where} but only {read} are available. Download or install the file again.");
        }
    }

    private static int ReadFully(Stream stream, string path, ref byte[] destination, int total, long offset, bool gzip)
    {
        int read = 0;
        try
        {
            while (read < total)
            {
                if (read == destination.Length)
                {
                    Array.Resize(ref destination, (int)Math.Min(total, 2L * destination.Length));
                }

                int n = stream.Read(destination, read, destination.Length - read);
                if (n == 0)
                {
                    break;
                }

                read += n;
            }
        }
        catch (InvalidDataException e)
        {
            throw DataFormatException.AtByte(path, offset + read,
                $"the {(gzip ? "gzip" : "IDX")} stream is corrupt after {read.ToString(CultureInfo.InvariantCulture)} data bytes ({e.Message}). Download or install the file again.", e);
        }

        return read;
    }
}
