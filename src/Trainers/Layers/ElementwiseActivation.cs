namespace MLGradientInsight.Trainers.Layers;

/// <summary>Base for parameter-free element-wise activations; keeps output and gradient buffers.</summary>
public abstract class ElementwiseActivation : Module
{
    private readonly Tensor _output = new(1);
    private readonly Tensor _inputGradient = new(1);
    private Tensor? _input;

    /// <summary>Initializes the activation.</summary>
    /// <param name="name">The layer name.</param>
    protected ElementwiseActivation(string name)
        : base(name)
    {
    }

    /// <summary>Gets the last input.</summary>
    protected Tensor LastInput => _input ?? throw new InvalidOperationException($"{Name}: call Forward before Backward.");

    /// <summary>Gets the last output.</summary>
    protected Tensor LastOutput => _output;

    /// <inheritdoc/>
    public override int[] OutputShape(ReadOnlySpan<int> inputShape) => inputShape.ToArray();

    /// <inheritdoc/>
    public override Tensor Forward(Tensor input)
    {
        ArgumentNullException.ThrowIfNull(input);
        _input = input;
        _output.Resize(input.Shape);
        Apply(input.Span, _output.Span);
        return _output;
    }

    /// <inheritdoc/>
    public override Tensor? Backward(Tensor outputGradient)
    {
        ArgumentNullException.ThrowIfNull(outputGradient);
        Tensor input = LastInput;
        outputGradient.EnsureShape(input.Shape, nameof(outputGradient));
        if (!NeedsInputGradient)
        {
            return null;
        }

        _inputGradient.Resize(input.Shape);
        Derive(input.Span, _output.Span, outputGradient.Span, _inputGradient.Span);
        return _inputGradient;
    }

    /// <summary>Computes y = f(x).</summary>
    /// <param name="x">The input.</param>
    /// <param name="destination">y.</param>
    protected abstract void Apply(ReadOnlySpan<float> x, Span<float> destination);

    /// <summary>Computes dL/dx = f'(x)·dL/dy.</summary>
    /// <param name="x">The input of the last forward pass.</param>
    /// <param name="y">Its output.</param>
    /// <param name="outputGradient">dL/dy.</param>
    /// <param name="destination">dL/dx.</param>
    protected abstract void Derive(ReadOnlySpan<float> x, ReadOnlySpan<float> y, ReadOnlySpan<float> outputGradient, Span<float> destination);
}
