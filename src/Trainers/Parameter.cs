namespace MLGradientInsight.Trainers;

/// <summary>
/// A trainable tensor with its gradient, named as PyTorch names it (<c>conv1.weight</c>, <c>fc2.bias</c>).
/// </summary>
/// <remarks>
/// For weights of shape (out, …) dimension 0 is the output unit (neuron or convolution filter);
/// biases have shape (out). Grouping per unit (000 §3.4.1) relies on this.
/// </remarks>
public sealed class Parameter
{
    /// <summary>Creates a parameter with zero weights and gradient.</summary>
    /// <param name="layerName">The owning layer's name, e.g. <c>fc1</c>.</param>
    /// <param name="localName">The name within the layer, e.g. <c>weight</c>.</param>
    /// <param name="shape">The shape.</param>
    public Parameter(string layerName, string localName, params int[] shape)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(layerName);
        ArgumentException.ThrowIfNullOrWhiteSpace(localName);
        LayerName = layerName;
        LocalName = localName;
        Name = layerName + "." + localName;
        Value = new Tensor(shape);
        Gradient = new Tensor(shape);
    }

    /// <summary>Gets the full name, <c>{layer}.{local}</c>.</summary>
    public string Name { get; }

    /// <summary>Gets the owning layer's name.</summary>
    public string LayerName { get; }

    /// <summary>Gets the name within the layer (<c>weight</c>, <c>bias</c>).</summary>
    public string LocalName { get; }

    /// <summary>Gets the weights.</summary>
    public Tensor Value { get; }

    /// <summary>Gets the accumulated gradient of the loss with respect to <see cref="Value"/>.</summary>
    public Tensor Gradient { get; }

    /// <summary>Gets the number of elements.</summary>
    public int Length => Value.Length;

    /// <summary>Gets the shape.</summary>
    public ReadOnlySpan<int> Shape => Value.Shape;

    /// <summary>Gets the number of output units (dimension 0).</summary>
    public int Units => Value.Dim(0);

    /// <summary>Gets or sets whether the optimizer updates this parameter.</summary>
    public bool RequiresGradient { get; set; } = true;

    /// <summary>Gets the weights as a span.</summary>
    public Span<float> Weights => Value.Span;

    /// <summary>Gets the gradient as a span.</summary>
    public Span<float> Gradients => Gradient.Span;

    /// <inheritdoc/>
    public override string ToString() => $"{Name} {Tensor.FormatShape(Shape)}";
}
