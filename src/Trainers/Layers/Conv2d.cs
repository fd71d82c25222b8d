using System.Numerics.Tensors;
using System.Runtime.Intrinsics;
using MLGradientInsight.Trainers.Kernels;

namespace MLGradientInsight.Trainers.Layers;

/// <summary>
/// 2-D convolution (cross-correlation) over (N, C, H, W) batches, as <c>nn.Conv2d</c> with dilation 1 and one group.
/// </summary>
/// <remarks>
/// <para>y[n, o, oy, ox] = b[o] + Σ_(c,i,j) W[o, c, i, j] · x[n, c, oy·sh − ph + i, ox·sw − pw + j] (zero outside the image);
/// OH = ⌊(H + 2·ph − kh) / sh⌋ + 1, OW likewise.</para>
/// <para>Implemented per sample as im2col followed by a GEMM writing straight into the output:
/// Y_n (O, OH·OW) = W (O, C·kh·kw) · cols_n (C·kh·kw, OH·OW). The columns of every sample are kept for the backward pass:
/// dW += dY_n·cols_nᵀ, db += Σ dY_n, dcols = Wᵀ·dY_n folded back by col2im (skipped when no input gradient is needed).
/// Per-sample GEMMs measured faster than one whole-batch GEMM (which also needs two transposes) on the LeNet-5 shapes
/// (ConvBenchmarks). Buffers are reused across steps.</para>
/// <para>The batch is split into at most 8 fixed chunks of consecutive samples that run in parallel (up to
/// <see cref="EngineSettings.MaxDegreeOfParallelism"/> threads, no allocation); each chunk sums its own dW and db, and the chunk sums
/// are added in chunk order, so results do not depend on the number of threads. Short sums (C·kh·kw &lt; 16) skip the GEMM in the
/// forward pass for direct SIMD loops.</para>
/// <para>With <see cref="FusedReLU"/> the layer computes max(0, conv(x)) itself: each sample's output slice is activated right
/// after its product, while still in cache, and the backward pass masks dY by y &gt; 0 per sample (into a buffer of its own) before
/// the dW, db and dX products: the same values as a separate <see cref="ReLU"/> layer, without its passes over the activations.</para>
/// </remarks>
public sealed class Conv2d : Module
{
    // Fixed number of sample groups a batch is split into (each group is one unit of parallel work).
    private const int MaxChunks = 8;

    // Products summing over fewer terms than this run as SmallMatrix.ShallowProduct in the forward pass.
    private const int ShallowDepth = 16;

    private readonly Parameter _weight;
    private readonly Parameter? _bias;
    private readonly Parameter[] _parameters;
    private readonly Tensor _columns = new(1, 1, 1);
    private readonly Tensor _output = new(1, 1, 1, 1);
    private readonly Tensor _columnGradient = new(1, 1);
    private readonly Tensor _inputGradient = new(1, 1, 1, 1);
    private readonly Tensor _partialGradients = new(1, 1);
    private readonly Tensor _maskedGradient = new(1, 1);
    private readonly Job _forwardJob;
    private readonly Job _backwardJob;
    private Tensor? _input;
    private Tensor? _outputGradient;
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
    /// <param name="fuseReLU">Whether the layer applies a ReLU to its output itself (see <see cref="FusedReLU"/>).</param>
    /// <exception cref="ArgumentOutOfRangeException">A size or the stride is not positive, or the padding is negative.</exception>
    public Conv2d(string name, int inChannels, int outChannels, int kernelSize, Random random, int stride = 1, int padding = 0, bool bias = true, bool fuseReLU = false)
        : this(name, inChannels, outChannels, (kernelSize, kernelSize), random, (stride, stride), (padding, padding), bias, fuseReLU)
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
    /// <param name="fuseReLU">Whether the layer applies a ReLU to its output itself (see <see cref="FusedReLU"/>).</param>
    /// <exception cref="ArgumentOutOfRangeException">A size or the stride is not positive, or the padding is negative.</exception>
    public Conv2d(
        string name, int inChannels, int outChannels, (int Height, int Width) kernelSize, Random random,
        (int Height, int Width)? stride = null, (int Height, int Width)? padding = null, bool bias = true, bool fuseReLU = false)
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
        FusedReLU = fuseReLU;
        _forwardJob = new Job(this, forward: true);
        _backwardJob = new Job(this, forward: false);
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

    /// <summary>
    /// Gets whether the layer applies a ReLU to its output (y = max(0, conv(x) + b), as this layer followed by a <see cref="ReLU"/>,
    /// with the same values and gradients).
    /// </summary>
    public bool FusedReLU { get; }

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
        int n = input.Dim(0), o = OutChannels, plane = g.OutputHeight * g.OutputWidth;
        int rows = g.Channels * g.KernelHeight * g.KernelWidth, sample = g.Channels * g.Height * g.Width;

        _columns.Resize([n, rows, plane]);
        _output.Resize([n, o, g.OutputHeight, g.OutputWidth]);
        _forwardJob.Run(ChunkCount(n));
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
        int n = input.Dim(0), o = OutChannels, plane = g.OutputHeight * g.OutputWidth;
        int rows = g.Channels * g.KernelHeight * g.KernelWidth, sample = g.Channels * g.Height * g.Width;
        bool inputGradient = NeedsInputGradient;
        int chunks = ChunkCount(n), parameters = (o * rows) + (_bias is null ? 0 : o);
        _partialGradients.Resize([chunks, parameters]);
        if (inputGradient)
        {
            _inputGradient.Resize(input.Shape);
            _columnGradient.Resize([chunks, rows * plane]);
        }

        if (FusedReLU)
        {
            _maskedGradient.Resize([chunks, o * plane]);
        }

        _outputGradient = outputGradient;
        _backwardJob.Run(chunks);
        _outputGradient = null;

        // Reduce the chunks' partial sums in chunk order: the same result whatever thread ran which chunk.
        Span<float> dw = _weight.Gradients;
        ReadOnlySpan<float> partials = _partialGradients.Span;
        for (int c = 0; c < chunks; c++)
        {
            ReadOnlySpan<float> part = partials.Slice(c * parameters, parameters);
            TensorPrimitives.Add(dw, part[..(o * rows)], dw);
            if (_bias is not null)
            {
                Span<float> db = _bias.Gradients;
                TensorPrimitives.Add(db, part.Slice(o * rows, o), db);
            }
        }

        return inputGradient ? _inputGradient : null;
    }

    // Samples are split into at most MaxChunks fixed groups (independent of the thread count, so results are too).
    private static int ChunkCount(int n) => (n + ChunkSize(n) - 1) / ChunkSize(n);

    private static int ChunkSize(int n) => (n + MaxChunks - 1) / MaxChunks;

    // Forward for the samples of one chunk: Y_s (O, L) = W (O, rows) · cols_s (rows, L) [+ bias].
    private void ForwardChunk(int chunk)
    {
        Tensor input = _input!;
        ConvGeometry g = _geometry;
        int n = input.Dim(0), o = OutChannels, plane = g.OutputHeight * g.OutputWidth;
        int rows = g.Channels * g.KernelHeight * g.KernelWidth, sample = g.Channels * g.Height * g.Width;
        int size = ChunkSize(n), first = chunk * size, last = Math.Min(n, first + size);
        Span<float> cols = _columns.Span;
        Span<float> y = _output.Span;
        ReadOnlySpan<float> x = input.Span;
        ReadOnlySpan<float> w = _weight.Weights;

        // Short sums (C·kh·kw below 16, e.g. 9 for a 3×3 kernel on one channel) with wide rows: direct SIMD loops beat
        // the packed GEMM there (measured 6×900×9 per LeNet-5 sample: about 6 µs in GEMM).
        bool shallow = Vector256.IsHardwareAccelerated && rows < ShallowDepth && plane >= Vector256<float>.Count;
        for (int s = first; s < last; s++)
        {
            Span<float> sampleColumns = cols.Slice(s * rows * plane, rows * plane);
            Span<float> sampleOutput = y.Slice(s * o * plane, o * plane);
            Im2Col.Unfold(x.Slice(s * sample, sample), g, sampleColumns, plane);
            if (shallow)
            {
                SmallMatrix.ShallowProduct(w, _bias is null ? default : _bias.Weights, sampleColumns, sampleOutput, o, rows, plane);
            }
            else
            {
                if (_bias is not null)
                {
                    ReadOnlySpan<float> b = _bias.Weights;
                    for (int f = 0; f < o; f++)
                    {
                        sampleOutput.Slice(f * plane, plane).Fill(b[f]);
                    }
                }

                Gemm.Multiply(false, false, o, plane, rows, 1f, w, rows, sampleColumns, plane, _bias is null ? 0f : 1f, sampleOutput, plane);
            }

            if (FusedReLU)
            {
                // The sample's output was just written and is still in cache: activate it here rather than in a pass of its own.
                ReLUKernel.ApplyInPlace(sampleOutput);
            }
        }
    }

    // Backward for the samples of one chunk: the chunk's own partial dW and db (summed over its samples in order), and dX of its samples.
    private void BackwardChunk(int chunk)
    {
        Tensor input = _input!;
        ConvGeometry g = _geometry;
        int n = input.Dim(0), o = OutChannels, plane = g.OutputHeight * g.OutputWidth;
        int rows = g.Channels * g.KernelHeight * g.KernelWidth, sample = g.Channels * g.Height * g.Width;
        int size = ChunkSize(n), first = chunk * size, last = Math.Min(n, first + size);
        int parameters = (o * rows) + (_bias is null ? 0 : o);
        ReadOnlySpan<float> dy = _outputGradient!.Span;
        ReadOnlySpan<float> cols = _columns.Span;
        ReadOnlySpan<float> w = _weight.Weights;
        Span<float> part = _partialGradients.Span.Slice(chunk * parameters, parameters);
        Span<float> dw = part[..(o * rows)];
        Span<float> db = part[(o * rows)..];
        bool inputGradient = NeedsInputGradient;
        Span<float> dx = default, dcols = default, masked = default;
        ReadOnlySpan<float> y = default;
        if (FusedReLU)
        {
            masked = _maskedGradient.Span.Slice(chunk * o * plane, o * plane);
            y = _output.Span;
        }

        if (inputGradient)
        {
            dx = _inputGradient.Span;
            dx.Slice(first * sample, (last - first) * sample).Clear();
            dcols = _columnGradient.Span.Slice(chunk * rows * plane, rows * plane);
        }

        for (int s = first; s < last; s++)
        {
            ReadOnlySpan<float> sampleGradient = dy.Slice(s * o * plane, o * plane);
            if (FusedReLU)
            {
                // dL/d(pre-activation) = dY where y > 0: the chunk's own buffer, so the caller's gradient is left as it was.
                ReLUKernel.Mask(y.Slice(s * o * plane, o * plane), sampleGradient, masked);
                sampleGradient = masked;
            }

            if (_bias is not null)
            {
                for (int f = 0; f < o; f++)
                {
                    float sum = TensorPrimitives.Sum(sampleGradient.Slice(f * plane, plane));
                    db[f] = s == first ? sum : db[f] + sum;
                }
            }

            // dW (O, rows) (+)= dY_s (O, L) · cols_sᵀ (L, rows)
            Gemm.Multiply(false, true, o, rows, plane, 1f, sampleGradient, plane, cols.Slice(s * rows * plane, rows * plane), plane, s == first ? 0f : 1f, dw, rows);
            if (inputGradient)
            {
                // dcols (rows, L) = Wᵀ (rows, O) · dY_s (O, L), folded back onto dX_s
                Gemm.Multiply(true, false, rows, plane, o, 1f, w, rows, sampleGradient, plane, 0f, dcols, plane);
                Im2Col.FoldAdd(dcols, plane, g, dx.Slice(s * sample, sample));
            }
        }
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

    private sealed class Job(Conv2d layer, bool forward) : ChunkedWork
    {
        protected override void RunChunk(int chunk)
        {
            if (forward)
            {
                layer.ForwardChunk(chunk);
            }
            else
            {
                layer.BackwardChunk(chunk);
            }
        }
    }
}
