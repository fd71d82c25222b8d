using System.Buffers.Binary;
using System.Text;
using System.Text.Json;
using MLGradientInsight.Trainers.Checkpoints;
using MLGradientInsight.Trainers.Tests.Data;

namespace MLGradientInsight.Trainers.Tests.Checkpoints;

[TestClass]
public sealed class SafeTensorsTest
{
    /// <summary>Builds a safetensors file by hand: header length, header text, buffer.</summary>
    internal static byte[] File(string header, int bufferLength, ulong? headerLengthOverride = null)
    {
        byte[] text = Encoding.UTF8.GetBytes(header);
        byte[] bytes = new byte[8 + text.Length + bufferLength];
        BinaryPrimitives.WriteUInt64LittleEndian(bytes, headerLengthOverride ?? (ulong)text.Length);
        text.CopyTo(bytes, 8);
        return bytes;
    }

    [TestMethod]
    public void SaveLoad_RandomShapesAndValues_RoundTripBitExactInOrder()
    {
        var rng = new Random(12345);
        using var dir = new TempDirectory();
        for (int trial = 0; trial < 60; trial++)
        {
            int count = rng.Next(1, 6);
            var tensors = new List<(string Name, Tensor Value)>();
            for (int t = 0; t < count; t++)
            {
                int[] shape = [.. Enumerable.Range(0, rng.Next(1, 5)).Select(_ => rng.Next(1, 8))];
                var tensor = new Tensor(shape);
                Span<float> s = tensor.Span;
                for (int i = 0; i < s.Length; i++)
                {
                    s[i] = rng.Next(20) switch
                    {
                        0 => float.NaN,
                        1 => float.NegativeInfinity,
                        2 => -0f,
                        3 => float.Epsilon,
                        _ => (float)((rng.NextDouble() - 0.5) * Math.Pow(10, rng.Next(-8, 9))),
                    };
                }

                tensors.Add(($"layer{rng.Next(100)}_{t}.w\u00e9ight", tensor));
            }

            var metadata = new Dictionary<string, string> { ["trial"] = trial.ToString(System.Globalization.CultureInfo.InvariantCulture), ["note"] = "quote \" and ünïcode" };
            string path = dir.File($"t{trial}.safetensors");
            SafeTensors.Save(path, tensors, metadata);

            SafeTensorsFile file = SafeTensors.Load(path);

            CollectionAssert.AreEqual(tensors.Select(t => t.Name).ToArray(), file.Names.ToArray());
            foreach ((string name, Tensor value) in tensors)
            {
                Tensor loaded = file[name];
                CollectionAssert.AreEqual(value.Shape.ToArray(), loaded.Shape.ToArray());
                for (int i = 0; i < value.Length; i++)
                {
                    Assert.AreEqual(BitConverter.SingleToInt32Bits(value.Span[i]), BitConverter.SingleToInt32Bits(loaded.Span[i]), $"{name}[{i}]");
                }

                Assert.AreEqual("F32", file.Info[name].DType);
            }

            CollectionAssert.AreEquivalent(metadata.ToArray(), file.Metadata.ToArray());
        }
    }

    [TestMethod]
    public void Save_WritesSpecLayout_AlignedSpacePaddedHeaderAndLittleEndianData()
    {
        using var dir = new TempDirectory();
        string path = dir.File("a.safetensors");
        SafeTensors.Save(path, [("b", new Tensor([1f, 2f, 3f], 3)), ("a", new Tensor([-1.5f], 1))], new Dictionary<string, string> { ["k"] = "v" });

        byte[] bytes = System.IO.File.ReadAllBytes(path);
        ulong n = BinaryPrimitives.ReadUInt64LittleEndian(bytes);
        Assert.AreEqual(0UL, (8 + n) % 8);
        Assert.AreEqual((byte)'{', bytes[8]);
        string header = Encoding.UTF8.GetString(bytes, 8, (int)n);
        using JsonDocument doc = JsonDocument.Parse(header);
        Assert.AreEqual(header.TrimEnd(' ').Length, header.TrimEnd().Length);
        JsonElement b = doc.RootElement.GetProperty("b");
        Assert.AreEqual("F32", b.GetProperty("dtype").GetString());
        Assert.AreEqual(0, b.GetProperty("data_offsets")[0].GetInt32());
        Assert.AreEqual(12, b.GetProperty("data_offsets")[1].GetInt32());
        Assert.AreEqual("[12,16]", doc.RootElement.GetProperty("a").GetProperty("data_offsets").GetRawText());
        Assert.AreEqual("v", doc.RootElement.GetProperty("__metadata__").GetProperty("k").GetString());
        Assert.AreEqual(8 + (int)n + 16, bytes.Length);
        Assert.AreEqual(2f, BinaryPrimitives.ReadSingleLittleEndian(bytes.AsSpan(8 + (int)n + 4)));
        Assert.AreEqual(-1.5f, BinaryPrimitives.ReadSingleLittleEndian(bytes.AsSpan(8 + (int)n + 12)));
    }

    [TestMethod]
    public void Save_OverExistingFile_ReplacesItAndLeavesNoTemporaryFiles()
    {
        using var dir = new TempDirectory();
        string path = dir.File("m.safetensors");
        System.IO.File.WriteAllText(path, "old contents");

        SafeTensors.Save(path, [("x", new Tensor([4f], 1))]);

        Assert.AreEqual(4f, SafeTensors.Load(path)["x"].Span[0]);
        CollectionAssert.AreEqual(new[] { path }, Directory.GetFiles(dir.Path));
    }

    [TestMethod]
    [DataRow("", "name is empty")]
    [DataRow("__metadata__", "reserved")]
    [DataRow("dup", "named 'dup'")]
    public void Save_BadNames_ThrowArgumentException(string name, string expected)
    {
        using var dir = new TempDirectory();
        (string, Tensor)[] tensors = name == "dup" ? [("dup", new Tensor(1)), ("dup", new Tensor(1))] : [(name, new Tensor(1))];

        ArgumentException e = Assert.ThrowsExactly<ArgumentException>(() => SafeTensors.Save(dir.File("x"), tensors));

        StringAssert.Contains(e.Message, expected);
        Assert.IsFalse(System.IO.File.Exists(dir.File("x")));
    }

    public enum Corruption
    {
        Missing,
        ShorterThanEightBytes,
        HeaderLongerThanFile,
        HeaderNotAnObjectStart,
        InvalidJson,
        UnsupportedDType,
        OffsetsOutOfRange,
        Overlap,
        Hole,
        TrailingBytes,
        SizeMismatch,
        DuplicateName,
        MetadataNotString,
        ZeroDimension,
        NegativeOffset,
        TruncatedData,
    }

    private static byte[] Corrupt(Corruption kind) => kind switch
    {
        Corruption.ShorterThanEightBytes => [1, 2, 3],
        Corruption.HeaderLongerThanFile => File("{}", 0, headerLengthOverride: 1000),
        Corruption.HeaderNotAnObjectStart => File("[{\"a\":1}]", 0),
        Corruption.InvalidJson => File("{\"a\":{\"dtype\":\"F32\",,}}", 0),
        Corruption.UnsupportedDType => File("{\"a\":{\"dtype\":\"F8_E4M3\",\"shape\":[2],\"data_offsets\":[0,2]}}", 2),
        Corruption.OffsetsOutOfRange => File("{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}}", 4),
        Corruption.Overlap => File("{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},\"b\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,8]}}", 8),
        Corruption.Hole => File("{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]},\"b\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[8,12]}}", 12),
        Corruption.TrailingBytes => File("{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}", 6),
        Corruption.SizeMismatch => File("{\"a\":{\"dtype\":\"F32\",\"shape\":[2,3],\"data_offsets\":[0,20]}}", 20),
        Corruption.DuplicateName => File("{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]},\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}", 4),
        Corruption.MetadataNotString => File("{\"__metadata__\":{\"epoch\":3}}", 0),
        Corruption.ZeroDimension => File("{\"a\":{\"dtype\":\"F32\",\"shape\":[0,3],\"data_offsets\":[0,0]}}", 0),
        Corruption.NegativeOffset => File("{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[-4,0]}}", 4),
        Corruption.TruncatedData => File("{\"w\":{\"dtype\":\"F32\",\"shape\":[4],\"data_offsets\":[0,16]}}", 16)[..^5],
        _ => [],
    };

    [TestMethod]
    [DataRow(Corruption.Missing, null, "does not exist", null)]
    [DataRow(Corruption.ShorterThanEightBytes, null, "truncated: it has 3 bytes", 3L)]
    [DataRow(Corruption.HeaderLongerThanFile, null, "header length is 1000 bytes, larger than the 2 bytes", 0L)]
    [DataRow(Corruption.HeaderNotAnObjectStart, null, "must start with '{' but starts with 0x5B", 8L)]
    [DataRow(Corruption.InvalidJson, null, "not valid JSON", null)]
    [DataRow(Corruption.UnsupportedDType, "a", "dtype 'F8_E4M3' is not supported; supported are F64, F32, F16, BF16, I64", 8L)]
    [DataRow(Corruption.OffsetsOutOfRange, "a", "data_offsets [0, 8] are out of range: the data buffer has 4 bytes", null)]
    [DataRow(Corruption.Overlap, "b", "overlap tensor 'a', which ends at 8", null)]
    [DataRow(Corruption.Hole, "b", "bytes [4, 8) of the data buffer belong to no tensor", null)]
    [DataRow(Corruption.TrailingBytes, null, "2 trailing bytes", null)]
    [DataRow(Corruption.SizeMismatch, "a", "shape [2, 3] × F32 (4 bytes) needs 24 bytes but data_offsets [0, 20] span 20", null)]
    [DataRow(Corruption.DuplicateName, "a", "appears twice", 8L)]
    [DataRow(Corruption.MetadataNotString, null, "metadata entry 'epoch' is Number", 8L)]
    [DataRow(Corruption.ZeroDimension, "a", "positive dimensions", null)]
    [DataRow(Corruption.NegativeOffset, "a", "non-negative integers but is [-4,0]", 8L)]
    [DataRow(Corruption.TruncatedData, "w", "out of range: the data buffer has 11 bytes", null)]
    public void Load_CorruptFile_ThrowsCheckpointExceptionNamingFileTensorAndProblem(Corruption kind, string? tensor, string expected, long? offset)
    {
        using var dir = new TempDirectory();
        string path = dir.File("bad.safetensors");
        if (kind != Corruption.Missing)
        {
            dir.Write("bad.safetensors", Corrupt(kind));
        }

        CheckpointException e = Assert.ThrowsExactly<CheckpointException>(() => SafeTensors.Load(path));

        Assert.AreEqual(path, e.FilePath);
        StringAssert.StartsWith(e.Message, path);
        StringAssert.Contains(e.Message, expected);
        Assert.AreEqual(tensor, e.TensorName);
        if (tensor is not null)
        {
            StringAssert.Contains(e.Message, $"tensor '{tensor}'");
        }

        if (offset is long o)
        {
            Assert.AreEqual(o, e.ByteOffset);
        }
    }

    [TestMethod]
    public void Load_InvalidJson_GivesTheJsonErrorPosition()
    {
        using var dir = new TempDirectory();
        string path = dir.Write("j.safetensors", Corrupt(Corruption.InvalidJson));

        CheckpointException e = Assert.ThrowsExactly<CheckpointException>(() => SafeTensors.Load(path));

        // {"a":{"dtype":"F32",,}} — the second comma is the 21st byte of the header, file byte 8 + 20.
        Assert.AreEqual("byte 28 (header line 1, byte 21)", e.Position);
        Assert.IsInstanceOfType<JsonException>(e.InnerException);
    }

    [TestMethod]
    public void Load_SpacePaddedHeaderAndScalar_AreAccepted()
    {
        using var dir = new TempDirectory();
        byte[] bytes = File("{\"s\":{\"dtype\":\"F32\",\"shape\":[],\"data_offsets\":[0,4]}}      ", 4);
        BinaryPrimitives.WriteSingleLittleEndian(bytes.AsSpan(bytes.Length - 4), 3.25f);
        string path = dir.Write("s.safetensors", bytes);

        SafeTensorsFile file = SafeTensors.Load(path);

        CollectionAssert.AreEqual(new[] { 1 }, file["s"].Shape.ToArray());
        Assert.AreEqual(3.25f, file["s"].Span[0]);
        Assert.IsEmpty(file.Info["s"].Shape);
        Assert.IsEmpty(file.Metadata);
    }
}
