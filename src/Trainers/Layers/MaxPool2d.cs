namespace MLGradientInsight.Trainers.Layers;

/// <summary>2-D max pooling over (N, C, H, W) batches, as <c>nn.MaxPool2d</c> (dilation 1, floor mode).</summary>
/// <remarks>
/// y[n, c, oy, ox] = max over the window rows oy·s − p … oy·s − p + k − 1 and columns likewise (padding never wins);
/// OH = ⌊(H + 2p − k) / s⌋ + 1. Ties go to the first maximum in row-major window order and NaN wins, as PyTorch's CPU kernel.
/// Backward routes each output gradient to the input position that won (positions that won several windows accumulate).
/// </remarks>
public sealed class MaxPool2d : Module
{
    private readonly Tensor _output = new(1, 1, 1, 1);
    private readonly Tensor _inputGradient = new(1, 1, 1, 1);
    private int[] _argMax = [];
    private Tensor? _input;

    /// <summary>Creates the layer.</summary>
    /// <param name="name">The layer name (<c>pool1</c>).</param>
    /// <param name="kernelSize">The window side k.</param>
    /// <param name="stride">The step; <see langword="null"/> for <paramref name="kernelSize"/>.</param>
    /// <param name="padding">Implicit −∞ padding on every side, at most k / 2.</param>
    /// <exception cref="ArgumentOutOfRangeException">The kernel or stride is not positive, or the padding is negative or larger than k / 2.</exception>
    public MaxPool2d(string name, int kernelSize, int? stride = null, int padding = 0)
        : base(name)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(kernelSize);
        int s = stride ?? kernelSize;
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(s, nameof(stride));
        ArgumentOutOfRangeException.ThrowIfNegative(padding);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(padding, kernelSize / 2);
        KernelSize = kernelSize;
        Stride = s;
        Padding = padding;
    }

    /// <summary>Gets the window side.</summary>
    public int KernelSize { get; }

    /// <summary>Gets the step.</summary>
    public int Stride { get; }

    /// <summary>Gets the padding.</summary>
    public int Padding { get; }

    /// <inheritdoc/>
    /// <exception cref="ArgumentException">The shape is not (N, C, H, W) or the window does not fit.</exception>
    public override int[] OutputShape(ReadOnlySpan<int> inputShape)
    {
        (int oh, int ow) = Pooling.OutputSize(Name, inputShape, KernelSize, Stride, Padding, "inputShape");
        return [inputShape[0], inputShape[1], oh, ow];
    }

    /// <inheritdoc/>
    /// <exception cref="ArgumentException">The shape is not (N, C, H, W) or the window does not fit.</exception>
    public override Tensor Forward(Tensor input)
    {
        ArgumentNullException.ThrowIfNull(input);
        (int oh, int ow) = Pooling.OutputSize(Name, input.Shape, KernelSize, Stride, Padding, nameof(input));
        _input = input;
        int planes = input.Dim(0) * input.Dim(1), h = input.Dim(2), w = input.Dim(3);
        _output.Resize([input.Dim(0), input.Dim(1), oh, ow]);
        if (_argMax.Length < _output.Length)
        {
            _argMax = new int[_output.Length];
        }

        ReadOnlySpan<float> x = input.Span;
        Span<float> y = _output.Span;
        Span<int> arg = _argMax;
        int k = KernelSize, s = Stride, p = Padding;
        for (int plane = 0; plane < planes; plane++)
        {
            ReadOnlySpan<float> src = x.Slice(plane * h * w, h * w);
            int o = plane * oh * ow;
            for (int oy = 0; oy < oh; oy++)
            {
                int y0 = (oy * s) - p, y1 = Math.Min(y0 + k, h);
                y0 = Math.Max(y0, 0);
                for (int ox = 0; ox < ow; ox++, o++)
                {
                    int x0 = (ox * s) - p, x1 = Math.Min(x0 + k, w);
                    x0 = Math.Max(x0, 0);
                    int best = (y0 * w) + x0;
                    float max = float.NegativeInfinity;
                    for (int iy = y0; iy < y1; iy++)
                    {
                        for (int ix = x0; ix < x1; ix++)
                        {
                            int index = (iy * w) + ix;
                            float v = src[index];
                            if (v > max || float.IsNaN(v))
                            {
                                max = v;
                                best = index;
                                if (float.IsNaN(v))
                                {
                                    goto Found;
                                }
                            }
                        }
                    }

                Found:
                    y[o] = max;
                    arg[o] = best;
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

        int planes = input.Dim(0) * input.Dim(1), inPlane = input.Dim(2) * input.Dim(3), outPlane = _output.Dim(2) * _output.Dim(3);
        _inputGradient.Resize(input.Shape);
        Span<float> dx = _inputGradient.Span;
        dx.Clear();
        ReadOnlySpan<float> dy = outputGradient.Span;
        ReadOnlySpan<int> arg = _argMax;
        for (int plane = 0; plane < planes; plane++)
        {
            Span<float> dst = dx.Slice(plane * inPlane, inPlane);
            int o = plane * outPlane;
            for (int i = 0; i < outPlane; i++, o++)
            {
                dst[arg[o]] += dy[o];
            }
        }

        return _inputGradient;
    }
}
