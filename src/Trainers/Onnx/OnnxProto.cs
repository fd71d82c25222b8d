using Google.Protobuf;

namespace MLGradientInsight.Trainers.Onnx;

/// <summary>
/// Writes the few ONNX protobuf messages an exported model needs (ModelProto, GraphProto, NodeProto, AttributeProto,
/// TensorProto, ValueInfoProto) with Google.Protobuf's wire encoder. Hand-written rather than generated from onnx.proto:
/// eight messages, write-only, no generated code or protoc step in the build. Field numbers are onnx.proto's (IR 7).
/// </summary>
internal sealed class OnnxProto
{
    private readonly MemoryStream _buffer = new();
    private readonly CodedOutputStream _output;

    public OnnxProto() => _output = new CodedOutputStream(_buffer, leaveOpen: true);

    public OnnxProto Int(int field, long value)
    {
        _output.WriteTag(field, WireFormat.WireType.Varint);
        _output.WriteInt64(value);
        return this;
    }

    public OnnxProto Float(int field, float value)
    {
        _output.WriteTag(field, WireFormat.WireType.Fixed32);
        _output.WriteFloat(value);
        return this;
    }

    public OnnxProto Text(int field, string value)
    {
        _output.WriteTag(field, WireFormat.WireType.LengthDelimited);
        _output.WriteString(value);
        return this;
    }

    public OnnxProto Bytes(int field, ReadOnlySpan<byte> value)
    {
        _output.WriteTag(field, WireFormat.WireType.LengthDelimited);
        _output.WriteBytes(ByteString.CopyFrom(value));
        return this;
    }

    public OnnxProto Message(int field, OnnxProto message) => Bytes(field, message.ToArray());

    public byte[] ToArray()
    {
        _output.Flush();
        return _buffer.ToArray();
    }

    // --- The messages -------------------------------------------------------------------------------------------

    /// <summary>AttributeProto: name 1, type 20 (FLOAT 1, INT 2, INTS 7), f 2, i 3, ints 8.</summary>
    public static OnnxProto IntAttribute(string name, long value) => new OnnxProto().Text(1, name).Int(20, 2).Int(3, value);

    public static OnnxProto FloatAttribute(string name, float value) => new OnnxProto().Text(1, name).Int(20, 1).Float(2, value);

    public static OnnxProto IntsAttribute(string name, params long[] values)
    {
        OnnxProto a = new OnnxProto().Text(1, name).Int(20, 7);
        foreach (long v in values)
        {
            a.Int(8, v);
        }

        return a;
    }

    /// <summary>NodeProto: input 1, output 2, name 3, op_type 4, attribute 5.</summary>
    public static OnnxProto Node(string opType, string name, string[] inputs, string output, params OnnxProto[] attributes)
    {
        var node = new OnnxProto();
        foreach (string input in inputs)
        {
            node.Text(1, input);
        }

        node.Text(2, output).Text(3, name).Text(4, opType);
        foreach (OnnxProto attribute in attributes)
        {
            node.Message(5, attribute);
        }

        return node;
    }

    /// <summary>TensorProto: dims 1, data_type 2 (FLOAT 1, INT64 7), name 8, raw_data 9 (little-endian).</summary>
    public static OnnxProto FloatTensor(string name, ReadOnlySpan<int> shape, ReadOnlySpan<float> values)
    {
        var t = new OnnxProto();
        foreach (int d in shape)
        {
            t.Int(1, d);
        }

        byte[] raw = new byte[values.Length * sizeof(float)];
        for (int i = 0; i < values.Length; i++)
        {
            BitConverter.TryWriteBytes(raw.AsSpan(i * 4), values[i]);   // little-endian on every .NET platform we build for
        }

        return t.Int(2, 1).Text(8, name).Bytes(9, raw);
    }

    public static OnnxProto Int64Tensor(string name, ReadOnlySpan<long> values)
    {
        var t = new OnnxProto().Int(1, values.Length).Int(2, 7).Text(8, name);
        byte[] raw = new byte[values.Length * sizeof(long)];
        for (int i = 0; i < values.Length; i++)
        {
            BitConverter.TryWriteBytes(raw.AsSpan(i * 8), values[i]);
        }

        return t.Bytes(9, raw);
    }

    /// <summary>ValueInfoProto (name 1, type 2) of a float tensor: TypeProto.tensor_type 1 → elem_type 1, shape 2 → dim 1 → dim_value 1 / dim_param 2.</summary>
    public static OnnxProto FloatValueInfo(string name, string batchDimension, ReadOnlySpan<int> shape)
    {
        OnnxProto dims = new OnnxProto().Message(1, new OnnxProto().Text(2, batchDimension));
        foreach (int d in shape)
        {
            dims.Message(1, new OnnxProto().Int(1, d));
        }

        OnnxProto tensorType = new OnnxProto().Int(1, 1).Message(2, dims);
        return new OnnxProto().Text(1, name).Message(2, new OnnxProto().Message(1, tensorType));
    }
}
