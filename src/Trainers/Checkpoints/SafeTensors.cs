using System.Buffers;
using System.Buffers.Binary;
using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using Microsoft.Win32.SafeHandles;

namespace MLGradientInsight.Trainers.Checkpoints;

/// <summary>
/// Reads and writes the safetensors format (Hugging Face), the checkpoint format shared with PyTorch.
/// </summary>
/// <remarks>
/// <para>Layout: 8 bytes N (unsigned little-endian 64-bit), N bytes of UTF-8 JSON header, then the
/// data buffer. The header is an object that maps each tensor name to
/// <c>{"dtype": "F32", "shape": [d0, …], "data_offsets": [begin, end]}</c> (offsets relative to the
/// buffer start) plus an optional <c>"__metadata__"</c> object of string → string. The header starts
/// with '{' and may be padded at the end with spaces; tensors are little-endian and row-major.</para>
/// <para>The reader checks what the reference implementation checks: the header fits the file and
/// is at most <see cref="MaxHeaderLength"/> bytes, each byte range equals shape × element size, and
/// the ranges cover the buffer exactly, without holes or overlaps. It also rejects duplicate names.</para>
/// <para>Supported element types, all converted to float32 when read: F32, F64, F16, BF16, I64,
/// I32, I16, I8, U8, BOOL. <see cref="Save"/> writes F32.</para>
/// </remarks>
public static class SafeTensors
{
    /// <summary>The largest header accepted (100 MB, the reference implementation's limit).</summary>
    public const long MaxHeaderLength = 100_000_000;

    /// <summary>The key of the metadata object in the header.</summary>
    public const string MetadataKey = "__metadata__";

    private static readonly JsonWriterOptions s_writerOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>Gets the element types the reader accepts, with their sizes in bytes.</summary>
    public static IReadOnlyDictionary<string, int> SupportedDTypes { get; } = new Dictionary<string, int>(StringComparer.Ordinal)
    {
        ["F64"] = 8,
        ["F32"] = 4,
        ["F16"] = 2,
        ["BF16"] = 2,
        ["I64"] = 8,
        ["I32"] = 4,
        ["I16"] = 2,
        ["I8"] = 1,
        ["U8"] = 1,
        ["BOOL"] = 1,
    };

    /// <summary>
    /// Writes tensors as F32 to a safetensors file, atomically: the data goes to a temporary file in
    /// the same directory which then replaces <paramref name="path"/>, so a crash never leaves a
    /// half-written checkpoint.
    /// </summary>
    /// <param name="path">The file to write.</param>
    /// <param name="tensors">The named tensors, written in this order.</param>
    /// <param name="metadata">Optional <c>__metadata__</c> entries.</param>
    /// <exception cref="ArgumentException">A name is empty, reserved (<c>__metadata__</c>) or repeated, or a tensor is null.</exception>
    /// <exception cref="IOException">The file cannot be written.</exception>
    public static void Save(string path, IEnumerable<(string Name, Tensor Value)> tensors, IReadOnlyDictionary<string, string>? metadata = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        ArgumentNullException.ThrowIfNull(tensors);
        (string Name, Tensor Value)[] items = [.. tensors];
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach ((string name, Tensor value) in items)
        {
            if (string.IsNullOrEmpty(name))
            {
                throw new ArgumentException("A tensor name is empty; every tensor needs a name.", nameof(tensors));
            }

            if (name == MetadataKey)
            {
                throw new ArgumentException($"'{MetadataKey}' is reserved for metadata and cannot name a tensor.", nameof(tensors));
            }

            if (value is null)
            {
                throw new ArgumentException($"Tensor '{name}' is null.", nameof(tensors));
            }

            if (!seen.Add(name))
            {
                throw new ArgumentException($"Two tensors are named '{name}'; names must be unique.", nameof(tensors));
            }
        }

        byte[] header = BuildHeader(items, metadata);
        string fullPath = System.IO.Path.GetFullPath(path);
        string directory = System.IO.Path.GetDirectoryName(fullPath) ?? ".";
        string temp = System.IO.Path.Combine(directory, $".{System.IO.Path.GetFileName(fullPath)}.{Guid.NewGuid():N}.tmp");
        try
        {
            using (var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16))
            {
                Span<byte> length = stackalloc byte[8];
                BinaryPrimitives.WriteUInt64LittleEndian(length, (ulong)header.Length);
                stream.Write(length);
                stream.Write(header);
                foreach ((_, Tensor value) in items)
                {
                    WriteLittleEndian(stream, value.Span);
                }

                stream.Flush(flushToDisk: true);
            }

            File.Move(temp, fullPath, overwrite: true);
        }
        catch
        {
            if (File.Exists(temp))
            {
                File.Delete(temp);
            }

            throw;
        }
    }

    /// <summary>Reads a safetensors file, converting every tensor to float32.</summary>
    /// <param name="path">The file.</param>
    /// <returns>The tensors in header order, their storage details and the metadata. A scalar (shape []) is returned with shape [1].</returns>
    /// <exception cref="CheckpointException">
    /// The file is missing, truncated, its header is too large, not JSON or not a valid header, a dtype is unsupported,
    /// a byte range does not match its shape and dtype, or the ranges leave holes or overlap. The message names the file,
    /// the tensor and the position.
    /// </exception>
    public static SafeTensorsFile Load(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        if (!File.Exists(path))
        {
            throw new CheckpointException(path, null, null, "the checkpoint file does not exist; check the path.");
        }

        using SafeFileHandle handle = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.Read);
        long fileLength = RandomAccess.GetLength(handle);
        if (fileLength < 8)
        {
            throw CheckpointException.AtByte(path, null, fileLength,
                $"the file is truncated: it has {fileLength} bytes but a safetensors file starts with an 8-byte header length. It is not a complete safetensors file; write it again.");
        }

        Span<byte> word = stackalloc byte[8];
        ReadAt(handle, path, word, 0);
        ulong headerLength = BinaryPrimitives.ReadUInt64LittleEndian(word);
        if (headerLength > MaxHeaderLength)
        {
            if (headerLength > (ulong)(fileLength - 8))
            {
                throw CheckpointException.AtByte(path, null, 0,
                    $"the header length is {headerLength} bytes, larger than the file ({fileLength} bytes); the file is truncated or not a safetensors file.");
            }

            throw CheckpointException.AtByte(path, null, 0,
                $"the header length is {headerLength} bytes, above the limit of {MaxHeaderLength}; this is not a safetensors file this reader accepts.");
        }

        if ((long)headerLength > fileLength - 8)
        {
            throw CheckpointException.AtByte(path, null, 0,
                $"the header length is {headerLength} bytes, larger than the {fileLength - 8} bytes that follow it; the file is truncated or not a safetensors file. Write it again.");
        }

        byte[] header = new byte[(int)headerLength];
        ReadAt(handle, path, header, 8);
        long dataStart = 8 + (long)headerLength;
        long bufferLength = fileLength - dataStart;
        (List<SafeTensorInfo> entries, Dictionary<string, string> metadata) = ParseHeader(path, header);
        CheckEntries(path, entries, bufferLength, dataStart);

        var tensors = new OrderedDictionary<string, Tensor>(StringComparer.Ordinal);
        var info = new Dictionary<string, SafeTensorInfo>(StringComparer.Ordinal);
        foreach (SafeTensorInfo e in entries)
        {
            int[] shape = e.Shape.Count == 0 ? [1] : [.. e.Shape];
            int length;
            try
            {
                length = Tensor.CheckedLength(shape, "shape");
            }
            catch (ArgumentException ex)
            {
                throw CheckpointException.AtByte(path, e.Name, dataStart + e.Begin,
                    $"shape {Tensor.FormatShape(shape)} cannot be loaded: {ex.Message} (this engine's tensors need positive dimensions).", ex);
            }

            float[] values = GC.AllocateUninitializedArray<float>(length);
            ReadConverted(handle, path, e, dataStart, values);
            tensors.Add(e.Name, new Tensor(values, shape));
            info.Add(e.Name, e);
        }

        return new SafeTensorsFile(path, tensors, info, metadata);
    }

    private static byte[] BuildHeader((string Name, Tensor Value)[] items, IReadOnlyDictionary<string, string>? metadata)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var json = new Utf8JsonWriter(buffer, s_writerOptions))
        {
            json.WriteStartObject();
            if (metadata is { Count: > 0 })
            {
                json.WriteStartObject(MetadataKey);
                foreach (KeyValuePair<string, string> kv in metadata)
                {
                    ArgumentNullException.ThrowIfNull(kv.Value, nameof(metadata));
                    json.WriteString(kv.Key, kv.Value);
                }

                json.WriteEndObject();
            }

            long offset = 0;
            foreach ((string name, Tensor value) in items)
            {
                json.WriteStartObject(name);
                json.WriteString("dtype", "F32");
                json.WriteStartArray("shape");
                foreach (int d in value.Shape)
                {
                    json.WriteNumberValue(d);
                }

                json.WriteEndArray();
                long end = offset + (4L * value.Length);
                json.WriteStartArray("data_offsets");
                json.WriteNumberValue(offset);
                json.WriteNumberValue(end);
                json.WriteEndArray();
                json.WriteEndObject();
                offset = end;
            }

            json.WriteEndObject();
        }

        // Pad with spaces so the data buffer starts 8-byte aligned, as the reference writer does.
        int padded = (8 + buffer.WrittenCount + 7) / 8 * 8 - 8;
        byte[] header = new byte[padded];
        buffer.WrittenSpan.CopyTo(header);
        header.AsSpan(buffer.WrittenCount).Fill((byte)' ');
        return header;
    }

    private static void WriteLittleEndian(Stream stream, ReadOnlySpan<float> values)
    {
        if (BitConverter.IsLittleEndian)
        {
            stream.Write(MemoryMarshal.AsBytes(values));
            return;
        }

        byte[] chunk = ArrayPool<byte>.Shared.Rent(4096);
        try
        {
            for (int start = 0; start < values.Length; start += 1024)
            {
                int n = Math.Min(1024, values.Length - start);
                for (int i = 0; i < n; i++)
                {
                    BinaryPrimitives.WriteSingleLittleEndian(chunk.AsSpan(4 * i), values[start + i]);
                }

                stream.Write(chunk, 0, 4 * n);
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(chunk);
        }
    }

    private static (List<SafeTensorInfo> Entries, Dictionary<string, string> Metadata) ParseHeader(string path, byte[] header)
    {
        if (header.Length == 0 || header[0] != (byte)'{')
        {
            string found = header.Length == 0 ? "an empty header" : $"0x{header[0]:X2}";
            throw CheckpointException.AtByte(path, null, 8,
                $"the JSON header must start with '{{' but starts with {found}; this is not a safetensors file.");
        }

        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(header, new JsonDocumentOptions { MaxDepth = 16 });
        }
        catch (JsonException e)
        {
            long line = (e.LineNumber ?? 0) + 1, column = (e.BytePositionInLine ?? 0) + 1;
            string position = line == 1
                ? $"byte {8 + column - 1} (header line 1, byte {column})"
                : $"header line {line}, byte {column}";
            throw new CheckpointException(path, null, position,
                $"the header is not valid JSON ({e.Message}). The file is corrupt; write it again.", e);
        }

        using (document)
        {
            JsonElement root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                throw CheckpointException.AtByte(path, null, 8, $"the header must be a JSON object but is {root.ValueKind}.");
            }

            var entries = new List<SafeTensorInfo>();
            var metadata = new Dictionary<string, string>(StringComparer.Ordinal);
            var names = new HashSet<string>(StringComparer.Ordinal);
            foreach (JsonProperty property in root.EnumerateObject())
            {
                if (!names.Add(property.Name))
                {
                    throw CheckpointException.AtByte(path, property.Name, 8, "the name appears twice in the header; names must be unique.");
                }

                if (property.Name == MetadataKey)
                {
                    ReadMetadata(path, property.Value, metadata);
                    continue;
                }

                entries.Add(ParseEntry(path, property));
            }

            return (entries, metadata);
        }
    }

    private static void ReadMetadata(string path, JsonElement element, Dictionary<string, string> metadata)
    {
        if (element.ValueKind != JsonValueKind.Object)
        {
            throw CheckpointException.AtByte(path, null, 8, $"'{MetadataKey}' must be an object of string values but is {element.ValueKind}.");
        }

        foreach (JsonProperty kv in element.EnumerateObject())
        {
            if (kv.Value.ValueKind != JsonValueKind.String)
            {
                throw CheckpointException.AtByte(path, null, 8,
                    $"metadata entry '{kv.Name}' is {kv.Value.ValueKind}; safetensors metadata values must be strings.");
            }

            if (!metadata.TryAdd(kv.Name, kv.Value.GetString()!))
            {
                throw CheckpointException.AtByte(path, null, 8, $"metadata key '{kv.Name}' appears twice.");
            }
        }
    }

    private static SafeTensorInfo ParseEntry(string path, JsonProperty property)
    {
        string name = property.Name;
        JsonElement e = property.Value;
        if (e.ValueKind != JsonValueKind.Object)
        {
            throw CheckpointException.AtByte(path, name, 8, $"the header entry must be an object with dtype, shape and data_offsets but is {e.ValueKind}.");
        }

        if (!e.TryGetProperty("dtype", out JsonElement dtypeElement) || dtypeElement.ValueKind != JsonValueKind.String)
        {
            throw CheckpointException.AtByte(path, name, 8, "the header entry has no string \"dtype\".");
        }

        string dtype = dtypeElement.GetString()!;
        if (!SupportedDTypes.ContainsKey(dtype))
        {
            throw CheckpointException.AtByte(path, name, 8,
                $"dtype '{dtype}' is not supported; supported are {string.Join(", ", SupportedDTypes.Keys)}. Convert the tensor (e.g. tensor.float()) before saving.");
        }

        if (!e.TryGetProperty("shape", out JsonElement shapeElement) || shapeElement.ValueKind != JsonValueKind.Array)
        {
            throw CheckpointException.AtByte(path, name, 8, "the header entry has no \"shape\" array.");
        }

        var shape = new List<int>();
        foreach (JsonElement d in shapeElement.EnumerateArray())
        {
            if (d.ValueKind != JsonValueKind.Number || !d.TryGetInt32(out int dim) || dim < 0)
            {
                throw CheckpointException.AtByte(path, name, 8, $"the shape {shapeElement.GetRawText()} holds {d.GetRawText()}; dimensions must be integers in [0, {int.MaxValue}].");
            }

            shape.Add(dim);
        }

        if (!e.TryGetProperty("data_offsets", out JsonElement offsets) || offsets.ValueKind != JsonValueKind.Array || offsets.GetArrayLength() != 2
            || !offsets[0].TryGetInt64(out long begin) || !offsets[1].TryGetInt64(out long end) || begin < 0 || end < 0)
        {
            string found = e.TryGetProperty("data_offsets", out JsonElement o) ? o.GetRawText() : "nothing";
            throw CheckpointException.AtByte(path, name, 8, $"\"data_offsets\" must be [begin, end] with non-negative integers but is {found}.");
        }

        return new SafeTensorInfo(name, dtype, shape, begin, end);
    }

    private static void CheckEntries(string path, List<SafeTensorInfo> entries, long bufferLength, long dataStart)
    {
        foreach (SafeTensorInfo e in entries)
        {
            int size = SupportedDTypes[e.DType];
            long count = 1;
            try
            {
                foreach (int d in e.Shape)
                {
                    count = checked(count * d);
                }

                _ = checked(count * size);
            }
            catch (OverflowException ex)
            {
                throw CheckpointException.AtByte(path, e.Name, 8, $"shape {Tensor.FormatShape([.. e.Shape])} overflows a 64-bit byte count.", ex);
            }

            if (e.End < e.Begin)
            {
                throw CheckpointException.AtByte(path, e.Name, 8, $"data_offsets [{e.Begin}, {e.End}] end before they begin.");
            }

            if (e.End > bufferLength)
            {
                throw CheckpointException.AtByte(path, e.Name, dataStart + e.Begin,
                    $"data_offsets [{e.Begin}, {e.End}] are out of range: the data buffer has {bufferLength} bytes (from byte {dataStart}). The file is truncated or its header is wrong.");
            }

            if (e.End - e.Begin != count * size)
            {
                throw CheckpointException.AtByte(path, e.Name, dataStart + e.Begin,
                    $"shape {Tensor.FormatShape([.. e.Shape])} × {e.DType} ({size} bytes) needs {count * size} bytes but data_offsets [{e.Begin}, {e.End}] span {e.End - e.Begin}.");
            }
        }

        long expected = 0;
        string? previous = null;
        foreach (SafeTensorInfo e in entries.OrderBy(e => e.Begin).ThenBy(e => e.End))
        {
            if (e.Begin < expected)
            {
                throw CheckpointException.AtByte(path, e.Name, dataStart + e.Begin,
                    $"data_offsets [{e.Begin}, {e.End}] overlap tensor '{previous}', which ends at {expected}; each byte of the buffer must belong to one tensor.");
            }

            if (e.Begin > expected)
            {
                throw CheckpointException.AtByte(path, e.Name, dataStart + expected,
                    $"bytes [{expected}, {e.Begin}) of the data buffer belong to no tensor (a hole before this tensor); the buffer must be covered exactly.");
            }

            expected = e.End;
            previous = e.Name;
        }

        if (expected != bufferLength)
        {
            throw CheckpointException.AtByte(path, null, dataStart + expected,
                $"the data buffer has {bufferLength} bytes but the tensors cover only {expected}; the file has {bufferLength - expected} trailing bytes that belong to no tensor.");
        }
    }

    private static void ReadConverted(SafeFileHandle handle, string path, SafeTensorInfo e, long dataStart, float[] values)
    {
        long offset = dataStart + e.Begin;
        if (e.DType == "F32" && BitConverter.IsLittleEndian)
        {
            ReadAt(handle, path, MemoryMarshal.AsBytes(values.AsSpan()), offset);
            return;
        }

        int size = SupportedDTypes[e.DType];
        const int chunkElements = 8192;
        byte[] chunk = ArrayPool<byte>.Shared.Rent(chunkElements * size);
        try
        {
            for (int start = 0; start < values.Length; start += chunkElements)
            {
                int n = Math.Min(chunkElements, values.Length - start);
                Span<byte> bytes = chunk.AsSpan(0, n * size);
                ReadAt(handle, path, bytes, offset + ((long)start * size));
                Convert(e.DType, bytes, values.AsSpan(start, n));
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(chunk);
        }
    }

    private static void Convert(string dtype, ReadOnlySpan<byte> bytes, Span<float> destination)
    {
        int n = destination.Length;
        switch (dtype)
        {
            case "F32":
                for (int i = 0; i < n; i++)
                {
                    destination[i] = BinaryPrimitives.ReadSingleLittleEndian(bytes[(4 * i)..]);
                }

                break;
            case "F64":
                for (int i = 0; i < n; i++)
                {
                    destination[i] = (float)BinaryPrimitives.ReadDoubleLittleEndian(bytes[(8 * i)..]);
                }

                break;
            case "F16":
                for (int i = 0; i < n; i++)
                {
                    destination[i] = (float)BinaryPrimitives.ReadHalfLittleEndian(bytes[(2 * i)..]);
                }

                break;
            case "BF16":
                // bfloat16 is the upper half of a float32.
                for (int i = 0; i < n; i++)
                {
                    destination[i] = BitConverter.Int32BitsToSingle(BinaryPrimitives.ReadUInt16LittleEndian(bytes[(2 * i)..]) << 16);
                }

                break;
            case "I64":
                for (int i = 0; i < n; i++)
                {
                    destination[i] = BinaryPrimitives.ReadInt64LittleEndian(bytes[(8 * i)..]);
                }

                break;
            case "I32":
                for (int i = 0; i < n; i++)
                {
                    destination[i] = BinaryPrimitives.ReadInt32LittleEndian(bytes[(4 * i)..]);
                }

                break;
            case "I16":
                for (int i = 0; i < n; i++)
                {
                    destination[i] = BinaryPrimitives.ReadInt16LittleEndian(bytes[(2 * i)..]);
                }

                break;
            case "I8":
                for (int i = 0; i < n; i++)
                {
                    destination[i] = (sbyte)bytes[i];
                }

                break;
            case "U8":
                for (int i = 0; i < n; i++)
                {
                    destination[i] = bytes[i];
                }

                break;
            case "BOOL":
                for (int i = 0; i < n; i++)
                {
                    destination[i] = bytes[i] != 0 ? 1f : 0f;
                }

                break;
            default:
                throw new UnreachableException(dtype);
        }
    }

    private static void ReadAt(SafeFileHandle handle, string path, Span<byte> destination, long offset)
    {
        int total = 0;
        while (total < destination.Length)
        {
            int n = RandomAccess.Read(handle, destination[total..], offset + total);
            if (n == 0)
            {
                throw CheckpointException.AtByte(path, null, offset + total,
                    $"the file ended after {offset + total} bytes while reading {destination.Length} bytes from byte {offset}; it is truncated.");
            }

            total += n;
        }
    }
}
