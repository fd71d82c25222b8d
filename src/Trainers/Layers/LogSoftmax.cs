using System.Numerics.Tensors;

namespace MLGradientInsight.Trainers.Layers;

/// <summary>Log-softmax over the classes of (N, C) rows, as <c>nn.LogSoftmax(dim=1)</c>; pair it with <see cref="Losses.NllLoss"/>.</summary>
/// <remarks>
/// y_ic = x_ic − m_i − log Σ_k exp(x_ik − m_i), m_i = max_k x_ik (stable for large |x|);
/// dL/dx_ic = dL/dy_ic − exp(y_ic)·Σ_k dL/dy_ik.
/// </remarks>
public sealed class LogSoftmax : Module
{
    private readonly Tensor _output = new(1, 1);
    private readonly Tensor _inputGradient = new(1, 1);
    private bool _ran;

    /// <summary>Creates the layer.</summary>
    /// <param name="name">The layer name.</param>
    public LogSoftmax(string name = "log_softmax")
        : base(name)
    {
    }

    /// <inheritdoc/>
    /// <exception cref="ArgumentException">The shape is not (N, C).</exception>
    public override int[] OutputShape(ReadOnlySpan<int> inputShape)
    {
        CheckRank(inputShape, "inputShape");
        return inputShape.ToArray();
    }

    /// <inheritdoc/>
    /// <exception cref="ArgumentException">The input is not (N, C).</exception>
    public override Tensor Forward(Tensor input)
    {
        ArgumentNullException.ThrowIfNull(input);
        CheckRank(input.Shape, nameof(input));
        _ran = true;
        int n = input.Dim(0), classes = input.Dim(1);
        _output.Resize(input.Shape);
        ReadOnlySpan<float> x = input.Span;
        Span<float> y = _output.Span;
        for (int i = 0; i < n; i++)
        {
            ReadOnlySpan<float> row = x.Slice(i * classes, classes);
            Span<float> dst = y.Slice(i * classes, classes);
            float max = TensorPrimitives.Max(row);
            if (float.IsInfinity(max))
            {
                max = 0f; // keeps −∞ entries at −∞ and lets +∞ produce NaN, as PyTorch
            }

            double sum = 0;
            for (int c = 0; c < classes; c++)
            {
                sum += Math.Exp(row[c] - max);
            }

            // (x − m) − log Σ: subtracting m first keeps full precision when |m| is large.
            TensorPrimitives.Subtract(row, max, dst);
            TensorPrimitives.Subtract(dst, (float)Math.Log(sum), dst);
        }

        return _output;
    }

    /// <inheritdoc/>
    /// <exception cref="ArgumentException">The gradient's shape differs from the last output's.</exception>
    /// <exception cref="InvalidOperationException">No forward pass has run.</exception>
    public override Tensor? Backward(Tensor outputGradient)
    {
        ArgumentNullException.ThrowIfNull(outputGradient);
        if (!_ran)
        {
            throw new InvalidOperationException($"{Name}: call Forward before Backward.");
        }

        outputGradient.EnsureShape(_output.Shape, nameof(outputGradient));
        if (!NeedsInputGradient)
        {
            return null;
        }

        int n = _output.Dim(0), classes = _output.Dim(1);
        _inputGradient.Resize(_output.Shape);
        ReadOnlySpan<float> y = _output.Span;
        ReadOnlySpan<float> dy = outputGradient.Span;
        Span<float> dx = _inputGradient.Span;
        for (int i = 0; i < n; i++)
        {
            ReadOnlySpan<float> yRow = y.Slice(i * classes, classes);
            ReadOnlySpan<float> gRow = dy.Slice(i * classes, classes);
            Span<float> dst = dx.Slice(i * classes, classes);
            float total = TensorPrimitives.Sum(gRow);
            TensorPrimitives.Exp(yRow, dst);
            TensorPrimitives.MultiplyAdd(dst, -total, gRow, dst);
        }

        return _inputGradient;
    }

    private void CheckRank(ReadOnlySpan<int> shape, string paramName)
    {
        if (shape.Length != 2)
        {
            throw new ArgumentException($"{Name}: expected input of shape (N, C) but got {Tensor.FormatShape(shape)}.", paramName);
        }
    }
}
