namespace MLGradientInsight.Trainers.Layers;

/// <summary>Flattens every dimension after the batch: (N, d1, …, dk) → (N, d1·…·dk), as <c>nn.Flatten()</c>.</summary>
/// <remarks>
/// No copy: the output is a view over the input's storage with its own shape (and the input gradient a view over
/// the output gradient's storage), so the neighbouring layers' tensors keep their shapes. A view is only
/// (re)created when the upstream storage changes, i.e. on the first batch or when a larger batch arrives.
/// </remarks>
public sealed class Flatten : Module
{
    private readonly int[] _outputShape = new int[2];
    private Tensor? _output;
    private Tensor? _inputGradient;
    private int[] _inputShape = [];

    /// <summary>Creates the layer.</summary>
    /// <param name="name">The layer name.</param>
    public Flatten(string name = "flatten")
        : base(name)
    {
    }

    /// <inheritdoc/>
    /// <exception cref="ArgumentException">The shape has fewer than two dimensions.</exception>
    public override int[] OutputShape(ReadOnlySpan<int> inputShape)
    {
        CheckRank(inputShape, "inputShape");
        return [inputShape[0], Tensor.CheckedLength(inputShape, "inputShape") / inputShape[0]];
    }

    /// <inheritdoc/>
    /// <exception cref="ArgumentException">The input has fewer than two dimensions.</exception>
    public override Tensor Forward(Tensor input)
    {
        ArgumentNullException.ThrowIfNull(input);
        CheckRank(input.Shape, nameof(input));
        if (!input.Shape.SequenceEqual(_inputShape))
        {
            _inputShape = input.Shape.ToArray();
        }

        _outputShape[0] = input.Dim(0);
        _outputShape[1] = input.Length / input.Dim(0);
        _output = View(_output, input.Buffer, _outputShape);
        return _output;
    }

    /// <inheritdoc/>
    /// <exception cref="ArgumentException">The gradient's shape differs from the last output's.</exception>
    /// <exception cref="InvalidOperationException">No forward pass has run.</exception>
    public override Tensor? Backward(Tensor outputGradient)
    {
        ArgumentNullException.ThrowIfNull(outputGradient);
        if (_output is null)
        {
            throw new InvalidOperationException($"{Name}: call Forward before Backward.");
        }

        outputGradient.EnsureShape(_outputShape, nameof(outputGradient));
        if (!NeedsInputGradient)
        {
            return null;
        }

        _inputGradient = View(_inputGradient, outputGradient.Buffer, _inputShape);
        return _inputGradient;
    }

    private static Tensor View(Tensor? view, float[] storage, int[] shape)
    {
        if (view is null || !ReferenceEquals(view.Buffer, storage))
        {
            return new Tensor(storage, shape);
        }

        // The storage is at least as long as the shape needs, so Resize keeps sharing it.
        view.Resize(shape);
        return view;
    }

    private void CheckRank(ReadOnlySpan<int> shape, string paramName)
    {
        if (shape.Length < 2)
        {
            throw new ArgumentException($"{Name}: expected input of shape (N, …) with at least two dimensions but got {Tensor.FormatShape(shape)}.", paramName);
        }
    }
}
