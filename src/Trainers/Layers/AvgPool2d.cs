using System.Numerics.Tensors;

namespace MLGradientInsight.Trainers.Layers;

/// <summary>2-D average pooling over (N, C, H, W) batches, as <c>nn.AvgPool2d</c> (floor mode, <c>count_include_pad=True</c>).</summary>
/// <remarks>
/// y[n, c, oy, ox] = (1/D) Σ x over the window inside the image, where D counts the window cells inside the
/// zero-padded image (k² when padding is 0); OH = ⌊(H + 2p − k) / s⌋ + 1.
/// Backward spreads each output gradient evenly (÷ D) over its window.
/// </remarks>
public sealed class AvgPool2d : Pool2d
{
    private readonly Tensor _output = new(1, 1, 1, 1);
    private readonly Tensor _inputGradient = new(1, 1, 1, 1);
    private Tensor? _input;

    /// <summary>Creates the layer.</summary>
    /// <param name="name">The layer name (<c>pool1</c>).</param>
    /// <param name="kernelSize">The window side k.</param>
    /// <param name="stride">The step; <see langword="null"/> for <paramref name="kernelSize"/>.</param>
    /// <param name="padding">Zero padding on every side, at most k / 2 (padded cells count in the divisor).</param>
    /// <exception cref="ArgumentOutOfRangeException">The kernel or stride is not positive, or the padding is negative or larger than k / 2.</exception>
    public AvgPool2d(string name, int kernelSize, int? stride = null, int padding = 0)
        : base(name, kernelSize, stride, padding)
    {
    }

    /// <inheritdoc/>
    /// <exception cref="ArgumentException">The shape is not (N, C, H, W) or the window does not fit.</exception>
    public override Tensor Forward(Tensor input)
    {
        ArgumentNullException.ThrowIfNull(input);
        (int oh, int ow) = OutputSize(input.Shape, nameof(input));
        _input = input;
        int planes = input.Dim(0) * input.Dim(1), h = input.Dim(2), w = input.Dim(3);
        _output.Resize([input.Dim(0), input.Dim(1), oh, ow]);
        ReadOnlySpan<float> x = input.Span;
        Span<float> y = _output.Span;
        for (int plane = 0; plane < planes; plane++)
        {
            ReadOnlySpan<float> src = x.Slice(plane * h * w, h * w);
            int o = plane * oh * ow;
            for (int oy = 0; oy < oh; oy++)
            {
                (int y0, int y1, int dy) = Window(oy, h);
                for (int ox = 0; ox < ow; ox++, o++)
                {
                    (int x0, int x1, int dx) = Window(ox, w);
                    float sum = 0f;
                    for (int iy = y0; iy < y1; iy++)
                    {
                        for (int ix = x0; ix < x1; ix++)
                        {
                            sum += src[(iy * w) + ix];
                        }
                    }

                    y[o] = sum / (dy * dx);
                }
            }
        }

        return _output;
    }

    /// <inheritdoc/>
    /// <exception cref="ArgumentException">The gradient's shape differs from the last output's.</exception>
    /// <exception cref="InvalidOperationException">No forward pass has run.</exception>
    public override Tensor? Backward(Tensor outputGradient)
    {
        ArgumentNullException.ThrowIfNull(outputGradient);
        Tensor input = _input ?? throw new InvalidOperationException($"{Name}: call Forward before Backward.");
        outputGradient.EnsureShape(_output.Shape, nameof(outputGradient));
        if (!NeedsInputGradient)
        {
            return null;
        }

        int planes = input.Dim(0) * input.Dim(1), h = input.Dim(2), w = input.Dim(3), oh = _output.Dim(2), ow = _output.Dim(3);
        _inputGradient.Resize(input.Shape);
        Span<float> dxAll = _inputGradient.Span;
        dxAll.Clear();
        ReadOnlySpan<float> g = outputGradient.Span;
        for (int plane = 0; plane < planes; plane++)
        {
            Span<float> dst = dxAll.Slice(plane * h * w, h * w);
            int o = plane * oh * ow;
            for (int oy = 0; oy < oh; oy++)
            {
                (int y0, int y1, int dy) = Window(oy, h);
                for (int ox = 0; ox < ow; ox++, o++)
                {
                    (int x0, int x1, int dx) = Window(ox, w);
                    float share = g[o] / (dy * dx);
                    for (int iy = y0; iy < y1; iy++)
                    {
                        Span<float> row = dst.Slice((iy * w) + x0, x1 - x0);
                        TensorPrimitives.Add(row, share, row);
                    }
                }
            }
        }

        return _inputGradient;
    }

    // The clamped window [start, end) along one axis and its length inside the padded image (PyTorch's divisor factor).
    private (int Start, int End, int Count) Window(int output, int size)
    {
        int start = (output * Stride) - Padding;
        int end = Math.Min(start + KernelSize, size + Padding);
        int count = end - start;
        return (Math.Max(start, 0), Math.Min(end, size), count);
    }
}

