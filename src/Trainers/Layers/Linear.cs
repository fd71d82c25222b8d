using System.Numerics.Tensors;
using MLGradientInsight.Trainers.Kernels;

namespace MLGradientInsight.Trainers.Layers;

/// <summary>Fully connected layer: y = x·Wᵀ + b, W of shape (out, in), b of shape (out), as <c>nn.Linear</c>.</summary>
/// <remarks>
/// With <see cref="FusedReLU"/> the layer computes max(0, x·Wᵀ + b) itself, activating its output right after the product and
/// masking dY by y &gt; 0 (into a buffer of its own) before the dW, db and dX products: the same values as a separate
/// <see cref="ReLU"/> layer, without its passes.
/// </remarks>
public sealed class Linear : Module
{
    private readonly Parameter _weight;
    private readonly Parameter? _bias;
    private readonly Parameter[] _parameters;
    private readonly Tensor _output = new(1, 1);
    private readonly Tensor _inputGradient = new(1, 1);
    private readonly Tensor _maskedGradient = new(1, 1);
    private Tensor? _input;

    /// <summary>Creates the layer with PyTorch's default initialisation.</summary>
    /// <param name="name">The layer name (<c>fc1</c>).</param>
    /// <param name="inputs">Input features.</param>
    /// <param name="outputs">Output features.</param>
    /// <param name="random">The seeded random source for initialisation.</param>
    /// <param name="bias">Whether the layer has a bias.</param>
    /// <param name="fuseReLU">Whether the layer applies a ReLU to its output itself (see <see cref="FusedReLU"/>).</param>
    /// <exception cref="ArgumentOutOfRangeException">A size is not positive.</exception>
    public Linear(string name, int inputs, int outputs, Random random, bool bias = true, bool fuseReLU = false)
        : base(name)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(inputs);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(outputs);
        ArgumentNullException.ThrowIfNull(random);
        Inputs = inputs;
        Outputs = outputs;
        FusedReLU = fuseReLU;
        _weight = new Parameter(name, "weight", outputs, inputs);
        Init.PyTorchDefault(_weight.Weights, inputs, random);
        if (bias)
        {
            _bias = new Parameter(name, "bias", outputs);
            Init.PyTorchDefault(_bias.Weights, inputs, random);
            _parameters = [_weight, _bias];
        }
        else
        {
            _parameters = [_weight];
        }
    }

    /// <summary>Gets the number of input features.</summary>
    public int Inputs { get; }

    /// <summary>Gets the number of output features.</summary>
    public int Outputs { get; }

    /// <summary>
    /// Gets whether the layer applies a ReLU to its output (y = max(0, x·Wᵀ + b), as this layer followed by a <see cref="ReLU"/>,
    /// with the same values and gradients).
    /// </summary>
    public bool FusedReLU { get; }

    /// <summary>Gets the weight, shape (out, in).</summary>
    public Parameter Weight => _weight;

    /// <summary>Gets the bias, shape (out), or null.</summary>
    public Parameter? Bias => _bias;

    /// <inheritdoc/>
    public override IReadOnlyList<Parameter> Parameters => _parameters;

    /// <inheritdoc/>
    public override int[] OutputShape(ReadOnlySpan<int> inputShape)
    {
        if (inputShape.Length != 2 || inputShape[1] != Inputs)
        {
            Tensor.ThrowShapeMismatch([inputShape.Length > 0 ? inputShape[0] : 1, Inputs], inputShape, "input");
        }

        return [inputShape[0], Outputs];
    }

    /// <inheritdoc/>
    /// <exception cref="ArgumentException">The input is not (N, inputs).</exception>
    public override Tensor Forward(Tensor input)
    {
        ArgumentNullException.ThrowIfNull(input);
        if (input.Rank != 2 || input.Dim(1) != Inputs)
        {
            Tensor.ThrowShapeMismatch([input.Rank > 0 ? input.Dim(0) : 1, Inputs], input.Shape, nameof(input));
        }

        int n = input.Dim(0);
        _input = input;
        _output.Resize([n, Outputs]);
        Span<float> y = _output.Span;
        if (_bias is not null)
        {
            ReadOnlySpan<float> b = _bias.Weights;
            for (int i = 0; i < n; i++)
            {
                b.CopyTo(y.Slice(i * Outputs, Outputs));
            }
        }

        if (IsSmall(n))
        {
            SmallMatrix.RowDots(input.Span, _weight.Weights, y, n, Outputs, Inputs, accumulate: _bias is not null);
        }
        else
        {
            Gemm.Multiply(false, true, n, Outputs, Inputs, 1f, input.Span, Inputs, _weight.Weights, Inputs, _bias is null ? 0f : 1f, y, Outputs);
        }

        if (FusedReLU)
        {
            ReLUKernel.ApplyInPlace(y);
        }

        return _output;
    }

    /// <inheritdoc/>
    public override Tensor? Backward(Tensor outputGradient)
    {
        ArgumentNullException.ThrowIfNull(outputGradient);
        Tensor input = _input ?? throw new InvalidOperationException($"{Name}: call Forward before Backward.");
        int n = input.Dim(0);
        outputGradient.EnsureShape([n, Outputs], nameof(outputGradient));
        ReadOnlySpan<float> dy = outputGradient.Span;
        if (FusedReLU)
        {
            // dL/d(pre-activation) = dY where y > 0, in the layer's own buffer (the caller's gradient is left as it was).
            _maskedGradient.Resize([n, Outputs]);
            ReLUKernel.Mask(_output.Span, dy, _maskedGradient.Span);
            dy = _maskedGradient.Span;
        }

        bool small = IsSmall(n);

        // dW (out, in) += dYᵀ (out, n) · X (n, in)
        if (small)
        {
            SmallMatrix.AddOuterProducts(dy, input.Span, _weight.Gradients, n, Outputs, Inputs);
        }
        else
        {
            Gemm.Multiply(true, false, Outputs, Inputs, n, 1f, dy, Outputs, input.Span, Inputs, 1f, _weight.Gradients, Inputs);
        }

        if (_bias is not null)
        {
            Span<float> db = _bias.Gradients;
            for (int i = 0; i < n; i++)
            {
                TensorPrimitives.Add(db, dy.Slice(i * Outputs, Outputs), db);
            }
        }

        if (!NeedsInputGradient)
        {
            return null;
        }

        // dX (n, in) = dY (n, out) · W (out, in)
        _inputGradient.Resize([n, Inputs]);
        if (small)
        {
            SmallMatrix.CombineRows(dy, _weight.Weights, _inputGradient.Span, n, Outputs, Inputs);
            return _inputGradient;
        }

        Gemm.Multiply(false, false, n, Inputs, Outputs, 1f, dy, Outputs, _weight.Weights, Inputs, 0f, _inputGradient.Span, Inputs);
        return _inputGradient;
    }

    // Small products (the 001 network's 15×15 layers at batch 1) run as direct loops: a GEMM call costs more than they do.
    private bool IsSmall(int n) => (long)n * Inputs * Outputs <= SmallMatrix.MaxProduct;
}
