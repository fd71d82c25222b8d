using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace MLGradientInsight.Trainers.Layers;

/// <summary>2-D max pooling over (N, C, H, W) batches, as <c>nn.MaxPool2d</c> (dilation 1, floor mode).</summary>
/// <remarks>
/// y[n, c, oy, ox] = max over the window rows oy·s − p … oy·s − p + k − 1 and columns likewise (padding never wins);
/// OH = ⌊(H + 2p − k) / s⌋ + 1. Ties go to the first maximum in row-major window order and NaN wins, as PyTorch's CPU kernel.
/// Backward routes each output gradient to the input position that won (positions that won several windows accumulate).
/// </remarks>
public sealed class MaxPool2d : Pool2d
{
    private readonly Tensor _output = new(1, 1, 1, 1);
    private readonly Tensor _inputGradient = new(1, 1, 1, 1);
    // Batches at least this big (input values) are split by planes over the engine's threads (a LeNet-5 pool1 batch: 345,600).
    private const int ParallelThreshold = 1 << 15;
    private const int MaxChunks = 8;
    private readonly Job _forwardJob;
    private readonly Job _backwardJob;
    private int[] _argMax = [];
    private Tensor? _input;
    private Tensor? _outputGradient;

    /// <summary>Creates the layer.</summary>
    /// <param name="name">The layer name (<c>pool1</c>).</param>
    /// <param name="kernelSize">The window side k.</param>
    /// <param name="stride">The step; <see langword="null"/> for <paramref name="kernelSize"/>.</param>
    /// <param name="padding">Implicit −∞ padding on every side, at most k / 2.</param>
    /// <exception cref="ArgumentOutOfRangeException">The kernel or stride is not positive, or the padding is negative or larger than k / 2.</exception>
    public MaxPool2d(string name, int kernelSize, int? stride = null, int padding = 0)
        : base(name, kernelSize, stride, padding)
    {
        _forwardJob = new Job(this, forward: true);
        _backwardJob = new Job(this, forward: false);
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
        if (_argMax.Length < _output.Length)
        {
            _argMax = new int[_output.Length];
        }

        RunByPlanes(_forwardJob, planes, planes * h * w);
        return _output;
    }

    // Planes are independent and each is computed the same way whichever chunk or thread takes it: bit-identical for any
    // thread count. Small batches stay on the calling thread.
    private static void RunByPlanes(Job job, int planes, long work)
    {
        if (work < ParallelThreshold || EngineSettings.MaxDegreeOfParallelism == 1)
        {
            job.RunPlanes(0, planes);
            return;
        }

        job.Planes = planes;
        job.Run(Math.Min(MaxChunks, planes));
    }

    private void ForwardPlanes(int first, int last)
    {
        Tensor input = _input!;
        int h = input.Dim(2), w = input.Dim(3), oh = _output.Dim(2), ow = _output.Dim(3), count = last - first;
        ReadOnlySpan<float> x = input.Span.Slice(first * h * w, count * h * w);
        Span<float> y = _output.Span.Slice(first * oh * ow, count * oh * ow);
        Span<int> arg = _argMax.AsSpan(first * oh * ow, count * oh * ow);
        int k = KernelSize, s = Stride, p = Padding;
        if (k == 2 && s == 2 && p == 0)
        {
            Forward2x2(x, y, arg, count, h, w, oh, ow);
            return;
        }

        for (int plane = 0; plane < count; plane++)
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
                    int best = WindowArgMax(src, w, y0, y1, x0, x1);
                    float max = best < 0 ? float.NegativeInfinity : src[best];
                    best = best < 0 ? (y0 * w) + x0 : best;
                    y[o] = max;
                    arg[o] = best;
                }
            }
        }
    }

    // The common 2×2 window with stride 2 and no padding, unrolled; same choice of winner as WindowArgMax
    // (first maximum in row-major order, a NaN wins and a later NaN wins over an earlier one, all −∞ keeps the first cell).
    private static void Forward2x2(ReadOnlySpan<float> x, Span<float> y, Span<int> arg, int planes, int h, int w, int oh, int ow)
    {
        ref float xr = ref MemoryMarshal.GetReference(x);
        ref float yr = ref MemoryMarshal.GetReference(y);
        ref int ar = ref MemoryMarshal.GetReference(arg);
        if (x.Length < planes * h * w || y.Length < planes * oh * ow || arg.Length < planes * oh * ow || 2 * oh > h || 2 * ow > w)
        {
            throw new ArgumentException("Pooling buffers are shorter than the shapes need.");
        }

        int o = 0;
        for (int plane = 0; plane < planes; plane++)
        {
            ref float src = ref Unsafe.Add(ref xr, plane * h * w);
            for (int oy = 0; oy < oh; oy++)
            {
                int top = 2 * oy * w;
                ref float r0 = ref Unsafe.Add(ref src, top);
                ref float r1 = ref Unsafe.Add(ref src, top + w);
                if (Sse.IsSupported && ow >= 4)
                {
                    Row2x2Sse(ref r0, ref r1, ref Unsafe.Add(ref yr, o), ref Unsafe.Add(ref ar, o), top, w, ow);
                    o += ow;
                    continue;
                }

                for (int ox = 0; ox < ow; ox++, o++)
                {
                    int c = 2 * ox;
                    float max = Unsafe.Add(ref r0, c);
                    int best = top + c;
                    float v = Unsafe.Add(ref r0, c + 1);
                    if (v > max || float.IsNaN(v))
                    {
                        max = v;
                        best = top + c + 1;
                    }

                    v = Unsafe.Add(ref r1, c);
                    if (v > max || float.IsNaN(v))
                    {
                        max = v;
                        best = top + w + c;
                    }

                    v = Unsafe.Add(ref r1, c + 1);
                    if (v > max || float.IsNaN(v))
                    {
                        max = v;
                        best = top + w + c + 1;
                    }

                    Unsafe.Add(ref yr, o) = max;
                    Unsafe.Add(ref ar, o) = best;
                }
            }
        }
    }

    // One output row of the 2×2 pooling, four windows at a time (the last group overlaps the previous one when ow is not a
    // multiple of 4: it recomputes the same values). Candidates are taken in row-major window order with the same rule as the
    // scalar code: a later value wins when it is greater or NaN; the winner's value is the value at its index.
    private static void Row2x2Sse(ref float r0, ref float r1, ref float y, ref int arg, int top, int w, int ow)
    {
        Vector128<int> lanes = Vector128.Create(0, 2, 4, 6);
        for (int ox = 0; ; ox += 4)
        {
            if (ox > ow - 4)
            {
                if (ox == ow)
                {
                    break;
                }

                ox = ow - 4;
            }

            nuint c = (nuint)(2 * ox);
            Vector128<float> a0 = Vector128.LoadUnsafe(ref r0, c), b0 = Vector128.LoadUnsafe(ref r0, c + 4);
            Vector128<float> a1 = Vector128.LoadUnsafe(ref r1, c), b1 = Vector128.LoadUnsafe(ref r1, c + 4);
            Vector128<float> max = Sse.Shuffle(a0, b0, 0b10_00_10_00);
            Vector128<int> best = Vector128.Create(top + (2 * ox)) + lanes;
            Vector128<int> first = best;
            Take(ref max, ref best, Sse.Shuffle(a0, b0, 0b11_01_11_01), first + Vector128<int>.One);
            Take(ref max, ref best, Sse.Shuffle(a1, b1, 0b10_00_10_00), first + Vector128.Create(w));
            Take(ref max, ref best, Sse.Shuffle(a1, b1, 0b11_01_11_01), first + Vector128.Create(w + 1));
            max.StoreUnsafe(ref y, (nuint)ox);
            best.StoreUnsafe(ref arg, (nuint)ox);
            if (ox == ow - 4)
            {
                break;
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Take(ref Vector128<float> max, ref Vector128<int> best, Vector128<float> v, Vector128<int> index)
    {
        Vector128<float> take = Vector128.GreaterThan(v, max) | ~Vector128.Equals(v, v);
        max = Vector128.ConditionalSelect(take, v, max);
        best = Vector128.ConditionalSelect(take.AsInt32(), index, best);
    }

    // Index of the first window maximum (a NaN wins, the last one if several, as PyTorch's CPU kernel),
    // or −1 when every value is −∞ (PyTorch then keeps the window's first cell).
    private static int WindowArgMax(ReadOnlySpan<float> plane, int width, int y0, int y1, int x0, int x1)
    {
        int best = -1;
        float max = float.NegativeInfinity;
        for (int iy = y0; iy < y1; iy++)
        {
            ReadOnlySpan<float> row = plane.Slice(iy * width, width);
            for (int ix = x0; ix < x1; ix++)
            {
                float v = row[ix];
                if (v > max || float.IsNaN(v))
                {
                    max = v;
                    best = (iy * width) + ix;
                }
            }
        }

        return best;
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

        int planes = input.Dim(0) * input.Dim(1);
        _inputGradient.Resize(input.Shape);
        _outputGradient = outputGradient;
        RunByPlanes(_backwardJob, planes, input.Length);
        _outputGradient = null;
        return _inputGradient;
    }

    private void BackwardPlanes(int first, int last)
    {
        Tensor input = _input!;
        int inPlane = input.Dim(2) * input.Dim(3), outPlane = _output.Dim(2) * _output.Dim(3), count = last - first;
        Span<float> dx = _inputGradient.Span.Slice(first * inPlane, count * inPlane);
        dx.Clear();
        ReadOnlySpan<float> dy = _outputGradient!.Span.Slice(first * outPlane, count * outPlane);
        ReadOnlySpan<int> arg = _argMax.AsSpan(first * outPlane, count * outPlane);

        // Every stored winner index lies inside its plane (checked when it was written), so no bounds checks here.
        ref float dxr = ref MemoryMarshal.GetReference(dx);
        ref float dyr = ref MemoryMarshal.GetReference(dy);
        ref int ar = ref MemoryMarshal.GetReference(arg);
        for (int plane = 0, o = 0; plane < count; plane++)
        {
            ref float dst = ref Unsafe.Add(ref dxr, plane * inPlane);
            for (int i = 0; i < outPlane; i++, o++)
            {
                Unsafe.Add(ref dst, Unsafe.Add(ref ar, o)) += Unsafe.Add(ref dyr, o);
            }
        }
    }

    // Chunk c of the current run takes planes [c·P/chunks, (c+1)·P/chunks).
    private sealed class Job(MaxPool2d layer, bool forward) : ChunkedWork
    {
        public int Planes { get; set; }

        public void RunPlanes(int first, int last)
        {
            if (forward)
            {
                layer.ForwardPlanes(first, last);
            }
            else
            {
                layer.BackwardPlanes(first, last);
            }
        }

        protected override void RunChunk(int chunk)
        {
            int chunks = Math.Min(MaxChunks, Planes);
            RunPlanes((int)((long)chunk * Planes / chunks), (int)((long)(chunk + 1) * Planes / chunks));
        }
    }
}
