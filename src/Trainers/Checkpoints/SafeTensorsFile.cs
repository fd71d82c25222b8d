namespace MLGradientInsight.Trainers.Checkpoints;

/// <summary>The contents of a safetensors file: tensors in header order, their storage details and the metadata.</summary>
public sealed class SafeTensorsFile
{
    internal SafeTensorsFile(string path, OrderedDictionary<string, Tensor> tensors, IReadOnlyDictionary<string, SafeTensorInfo> info, IReadOnlyDictionary<string, string> metadata)
    {
        Path = path;
        Tensors = tensors;
        Info = info;
        Metadata = metadata;
        Names = [.. tensors.Keys];
    }

    /// <summary>Gets the file the contents came from.</summary>
    public string Path { get; }

    /// <summary>Gets the tensor names in header order.</summary>
    public IReadOnlyList<string> Names { get; }

    /// <summary>Gets the tensors (converted to float32) by name, in header order.</summary>
    public IReadOnlyDictionary<string, Tensor> Tensors { get; }

    /// <summary>Gets how each tensor was stored (dtype, original shape, byte range).</summary>
    public IReadOnlyDictionary<string, SafeTensorInfo> Info { get; }

    /// <summary>Gets the <c>__metadata__</c> entries (empty when the file has none).</summary>
    public IReadOnlyDictionary<string, string> Metadata { get; }

    /// <summary>Gets a tensor by name.</summary>
    /// <param name="name">The tensor name.</param>
    /// <returns>The tensor.</returns>
    /// <exception cref="KeyNotFoundException">No such tensor; the message lists the names.</exception>
    public Tensor this[string name] => Tensors.TryGetValue(name, out Tensor? t)
        ? t
        : throw new KeyNotFoundException($"{Path} has no tensor '{name}'. It has: {string.Join(", ", Names)}.");
}
