using MLGradientInsight.Trainers;
using MLGradientInsight.Trainers.Kernels;
using Tensor = MLGradientInsight.Trainers.Tensor;

namespace MLGradientInsight.Analyses.GradientSpace;

/// <summary>
/// GradNet's first layer (003 Fig. 2/6): a block-structured fully connected layer. Block b sees only its contiguous slice
/// [start_b, start_b + length_b) of the input and has <c>hidden</c> units of its own: y[:, b·H:(b+1)·H] = x[:, slice_b]·W_bᵀ + b_b.
/// Slices may overlap (a block that spans two adjacent base layers).
/// </summary>
internal sealed class BlockLinear : Module
{
    private readonly (int Start, int Length)[] _blocks;
    private readonly Parameter[] _weights;
    private readonly Parameter[] _biases;
    private readonly Parameter[] _parameters;
    private readonly Tensor _output = new(1, 1);
    private readonly Tensor _inputGradient = new(1, 1);
    private Tensor? _input;

    public BlockLinear(string name, int inputs, IReadOnlyList<(int Start, int Length)> blocks, int hidden, Random random)
        : base(name)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(inputs);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(hidden);
        ArgumentNullException.ThrowIfNull(blocks);
        if (blocks.Count == 0 || blocks.Any(b => b.Start < 0 || b.Length <= 0 || b.Start + b.Length > inputs))
        {
            throw new ArgumentException($"Every block must be a non-empty slice of the {inputs} inputs.", nameof(blocks));
        }

        Inputs = inputs;
        Hidden = hidden;
        _blocks = [.. blocks];
        _weights = new Parameter[_blocks.Length];
        _biases = new Parameter[_blocks.Length];
        for (int b = 0; b < _blocks.Length; b++)
        {
            _weights[b] = new Parameter($"{name}{b + 1}", "weight", hidden, _blocks[b].Length);
            _biases[b] = new Parameter($"{name}{b + 1}", "bias", hidden);
            Init.PyTorchDefault(_weights[b].Weights, _blocks[b].Length, random);
            Init.PyTorchDefault(_biases[b].Weights, _blocks[b].Length, random);
        }

        _parameters = [.. _weights.Zip(_biases).SelectMany(p => new[] { p.First, p.Second })];
    }

    public int Inputs { get; }

    public int Hidden { get; }

    public int Outputs => _blocks.Length * Hidden;

    public override IReadOnlyList<Parameter> Parameters => _parameters;

    public override int[] OutputShape(ReadOnlySpan<int> inputShape) => [inputShape[0], Outputs];

    public override Tensor Forward(Tensor input)
    {
        ArgumentNullException.ThrowIfNull(input);
        if (input.Rank != 2 || input.Dim(1) != Inputs)
        {
            throw new ArgumentException($"Expected input (N, {Inputs}) but got {Tensor.FormatShape(input.Shape)}.", nameof(input));
        }

        int n = input.Dim(0);
        _input = input;
        _output.Resize([n, Outputs]);
        Span<float> y = _output.Span;
        for (int b = 0; b < _blocks.Length; b++)
        {
            ReadOnlySpan<float> bias = _biases[b].Weights;
            for (int i = 0; i < n; i++)
            {
                bias.CopyTo(y.Slice((i * Outputs) + (b * Hidden), Hidden));
            }

            (int start, int length) = _blocks[b];
            Gemm.Multiply(false, true, n, Hidden, length, 1f, input.Span[start..], Inputs, _weights[b].Weights, length, 1f, y[(b * Hidden)..], Outputs);
        }

        return _output;
    }

    public override Tensor? Backward(Tensor outputGradient)
    {
        ArgumentNullException.ThrowIfNull(outputGradient);
        Tensor input = _input ?? throw new InvalidOperationException($"{Name}: call Forward before Backward.");
        int n = input.Dim(0);
        outputGradient.EnsureShape([n, Outputs], nameof(outputGradient));
        ReadOnlySpan<float> dy = outputGradient.Span;
        if (NeedsInputGradient)
        {
            _inputGradient.Resize([n, Inputs]);
            _inputGradient.Clear();
        }

        for (int b = 0; b < _blocks.Length; b++)
        {
            (int start, int length) = _blocks[b];
            ReadOnlySpan<float> dyb = dy[(b * Hidden)..];

            // dW_b (H, len) += dY_bᵀ (H, n) · X_b (n, len)
            Gemm.Multiply(true, false, Hidden, length, n, 1f, dyb, Outputs, input.Span[start..], Inputs, 1f, _weights[b].Gradients, length);
            Span<float> db = _biases[b].Gradients;
            for (int i = 0; i < n; i++)
            {
                ReadOnlySpan<float> row = dyb.Slice(i * Outputs, Hidden);
                for (int h = 0; h < Hidden; h++)
                {
                    db[h] += row[h];
                }
            }

            if (NeedsInputGradient)
            {
                // dX_b (n, len) += dY_b (n, H) · W_b (H, len)
                Gemm.Multiply(false, false, n, length, Hidden, 1f, dyb, Outputs, _weights[b].Weights, length, 1f, _inputGradient.Span[start..], Inputs);
            }
        }

        return NeedsInputGradient ? _inputGradient : null;
    }
}
