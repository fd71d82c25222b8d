using System.Numerics.Tensors;
using MLGradientInsight.Trainers.Kernels;

namespace MLGradientInsight.Trainers.Layers;

/// <summary>
/// 2-D convolution (cross-correlation) over (N, C, H, W) batches, as <c>nn.Conv2d</c> with dilation 1 and one group.
/// </summary>
/// <remarks>
/// <para>y[n, o, oy, ox] = b[o] + Σ_(c,i,j) W[o, c, i, j] · x[n, c, oy·sh − ph + i, ox·sw − pw + j] (zero outside the image);
/// OH = ⌊(H + 2·ph − kh) / sh⌋ + 1, OW likewise.</para>
/// <para>Implemented as im2col over the whole batch followed by one GEMM: Y' (O, N·OH·OW) = W (O, C·kh·kw) · cols (C·kh·kw, N·OH·OW).
/// Backward: dW += dY'·colsᵀ, db += Σ dY', dcols = Wᵀ·dY' folded back by col2im. Buffers are reused across steps.</para>
/// </remarks>
public sealed class Conv2d : Module
{
    private readonly Parameter _weight;
    private readonly Parameter? _bias;
    private readonly Parameter[] _parameters;
    private readonly Tensor _columns = new(1, 1);
    private readonly Tensor _product = new(1, 1);
    private readonly Tensor _output = new(1, 1, 1, 1);
    private readonly Tensor _outputGradientT = new(1, 1);
    private readonly Tensor _columnGradient = new(1, 1);
    private readonly Tensor _inputGradient = new(1, 1, 1, 1);
    private Tensor? _input;
    private ConvGeometry _geometry;

    /// <summary>Creates a convolution with a square kernel and PyTorch's default initialisation.</summary>
    /// <param name="name">The layer name (<c>conv1</c>).</param>
    /// <param name="inChannels">Input channels C.</param>
    /// <param name="outChannels">Output channels (filters) O.</param>
    /// <param name="kernelSize">The kernel side k (kh = kw = k).</param>
    /// <param name="random">The seeded random source for initialisation.</param>
    /// <param name="stride">The step in both directions.</param>
    /// <param name="padding">Zero padding on every side.</param>
    /// <param name="bias">Whether the layer has a bias.</param>
    /// <exception cref="ArgumentOutOfRangeException">A size or the stride is not positive, or the padding is negative.</exception>
    public Conv2d(string name, int inChannels, int outChannels, int kernelSize, Random random, int stride = 1, int padding = 0, bool bias = true)
        : this(name, inChannels, outChannels, (kernelSize, kernelSize), random, (stride, stride), (padding, padding), bias)
    {
    }

    /// <summary>Creates a convolution with a rectangular kernel and PyTorch's default initialisation.</summary>
    /// <param name="name">The layer name (<c>conv1</c>).</param>
    /// <param name="inChannels">Input channels C.</param>
    /// <param name="outChannels">Output channels (filters) O.</param>
    /// <param name="kernelSize">(kh, kw).</param>
    /// <param name="random">The seeded random source for initialisation.</param>
    /// <param name="stride">(sh, sw); <see langword="null"/> for (1, 1).</param>
    /// <param name="padding">(ph, pw); <see langword="null"/> for (0, 0).</param>
    /// <param name="bias">Whether the layer has a bias.</param>
    /// <exception cref="ArgumentOutOfRangeException">A size or the stride is not positive, or the padding is negative.</exception>
    public Conv2d(
        string name, int inChannels, int outChannels, (int Height, int Width) kernelSize, Random random,
        (int Height, int Width)? stride = null, (int Height, int Width)? padding = null, bool bias = true)
        : base(name)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(inChannels);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(outChannels);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(kernelSize.Height, nameof(kernelSize));
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(kernelSize.Width, nameof(kernelSize));
        ArgumentNullException.ThrowIfNull(random);
        (int sh, int sw) = stride ?? (1, 1);
        (int ph, int pw) = padding ?? (0, 0);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(sh, nameof(stride));
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(sw, nameof(stride));
        ArgumentOutOfRangeException.ThrowIfNegative(ph, nameof(padding));
        ArgumentOutOfRangeException.ThrowIfNegative(pw, nameof(padding));
        InChannels = inChannels;
        OutChannels = outChannels;
        KernelSize = kernelSize;
        Stride = (sh, sw);
        Padding = (ph, pw);
        int fanIn = inChannels * kernelSize.Height * kernelSize.Width;
        _weight = new Parameter(name, "weight", outChannels, inChannels, kernelSize.Height, kernelSize.Width);
        Init.PyTorchDefault(_weight.Weights, fanIn, random);
        if (bias)
        {
            _bias = new Parameter(name, "bias", outChannels);
            Init.PyTorchDefault(_bias.Weights, fanIn, random);
            _parameters = [_weight, _bias];
        }
        else
        {
            _parameters = [_weight];
        }
    }

    /// <summary>Gets the number of input channels C.</summary>
    public int InChannels { get; }

    /// <summary>Gets the number of output channels O.</summary>
    public int OutChannels { get; }

    /// <summary>Gets the kernel size (kh, kw).</summary>
    public (int Height, int Width) KernelSize { get; }

    /// <summary>Gets the stride (sh, sw).</summary>
    public (int Height, int Width) Stride { get; }

    /// <summary>Gets the zero padding (ph, pw).</summary>
    public (int Height, int Width) Padding { get; }

    /// <summary>Gets the weight, shape (O, C, kh, kw).</summary>
    public Parameter Weight => _weight;

    /// <summary>Gets the bias, shape (O), or null.</summary>
    public Parameter? Bias => _bias;

    /// <inheritdoc/>
    public override IReadOnlyList<Parameter> Parameters => _parameters;

    /// <inheritdoc/>
    /// <exception cref="ArgumentException">The shape is not (N, C, H, W) with the layer's C, or the kernel does not fit the padded image.</exception>
    public override int[] OutputShape(ReadOnlySpan<int> inputShape)
    {
        ConvGeometry g = Geometry(inputShape, "inputShape");
        return [inputShape[0], OutChannels, g.OutputHeight, g.OutputWidth];
    }

    /// <inheritdoc/>
    /// <exception cref="ArgumentException">The shape is not (N, C, H, W) with the layer's C, or the kernel does not fit the padded image.</exception>
    public override Tensor Forward(Tensor input)
    {
        ArgumentNullException.ThrowIfNull(input);
        ConvGeometry g = Geometry(input.Shape, nameof(input));
        _geometry = g;
        _input = input;
        int n = input.Dim(0), o = OutChannels, plane = g.OutputHeight * g.OutputWidth, columns = n * plane;
        int rows = g.Channels * g.KernelHeight * g.KernelWidth, sample = g.Channels * g.Height * g.Width;

        _columns.Resize([rows, columns]);
        Span<float> cols = _columns.Span;
        ReadOnlySpan<float> x = input.Span;
        for (int s = 0; s < n; s++)
        {
            Im2Col.Unfold(x.Slice(s * sample, sample), g, cols[(s * plane)..], columns);
        }

        _product.Resize([o, columns]);
        Span<float> product = _product.Span;
        if (_bias is not null)
        {
            ReadOnlySpan<float> b = _bias.Weights;
            for (int f = 0; f < o; f++)
            {
                product.Slice(f * columns, columns).Fill(b[f]);
            }
        }

        Gemm.Multiply(false, false, o, columns, rows, 1f, _weight.Weights, rows, cols, columns, _bias is null ? 0f : 1f, product, columns);

        // (O, N·L) → (N, O, L)
        _output.Resize([n, o, g.OutputHeight, g.OutputWidth]);
        Span<float> y = _output.Span;
        for (int s = 0; s < n; s++)
        {
            for (int f = 0; f < o; f++)
            {
                product.Slice((f * columns) + (s * plane), plane).CopyTo(y.Slice(((s * o) + f) * plane, plane));
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
        ConvGeometry g = _geometry;
        outputGradient.EnsureShape(_output.Shape, nameof(outputGradient));
        int n = input.Dim(0), o = OutChannels, plane = g.OutputHeight * g.OutputWidth, columns = n * plane;
        int rows = g.Channels * g.KernelHeight * g.KernelWidth, sample = g.Channels * g.Height * g.Width;

        // (N, O, L) → (O, N·L)
        _outputGradientT.Resize([o, columns]);
        Span<float> dyT = _outputGradientT.Span;
        ReadOnlySpan<float> dy = outputGradient.Span;
        for (int s = 0; s < n; s++)
        {
            for (int f = 0; f < o; f++)
            {
                dy.Slice(((s * o) + f) * plane, plane).CopyTo(dyT.Slice((f * columns) + (s * plane), plane));
            }
        }

        if (_bias is not null)
        {
            Span<float> db = _bias.Gradients;
            for (int f = 0; f < o; f++)
            {
                db[f] += TensorPrimitives.Sum(dyT.Slice(f * columns, columns));
            }
        }

        // dW (O, rows) += dY' (O, N·L) · colsᵀ (N·L, rows)
        Gemm.Multiply(false, true, o, rows, columns, 1f, dyT, columns, _columns.Span, columns, 1f, _weight.Gradients, rows);
        if (!NeedsInputGradient)
        {
            return null;
        }

        // dcols (rows, N·L) = Wᵀ (rows, O) · dY' (O, N·L)
        _columnGradient.Resize([rows, columns]);
        Span<float> dcols = _columnGradient.Span;
        Gemm.Multiply(true, false, rows, columns, o, 1f, _weight.Weights, rows, dyT, columns, 0f, dcols, columns);
        _inputGradient.Resize(input.Shape);
        Span<float> dx = _inputGradient.Span;
        dx.Clear();
        for (int s = 0; s < n; s++)
        {
            Im2Col.FoldAdd(dcols[(s * plane)..], columns, g, dx.Slice(s * sample, sample));
        }

        return _inputGradient;
    }

    private ConvGeometry Geometry(ReadOnlySpan<int> shape, string paramName)
    {
        if (shape.Length != 4 || shape[1] != InChannels)
        {
            throw new ArgumentException(
                $"{Name}: expected input of shape (N, {InChannels}, H, W) but got {Tensor.FormatShape(shape)}.", paramName);
        }

        var g = new ConvGeometry(InChannels, shape[2], shape[3], KernelSize.Height, KernelSize.Width, Stride.Height, Stride.Width, Padding.Height, Padding.Width);
        if (g.OutputHeight <= 0 || g.OutputWidth <= 0)
        {
            throw new ArgumentException(
                $"{Name}: kernel {Tensor.FormatShape([KernelSize.Height, KernelSize.Width])} with padding {Tensor.FormatShape([Padding.Height, Padding.Width])} " +
                $"does not fit input {Tensor.FormatShape(shape)}; use a larger input or more padding.", paramName);
        }

        return g;
    }
}
