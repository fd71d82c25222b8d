using System.Numerics.Tensors;
using MLGradientInsight.Trainers;
using Tensor = MLGradientInsight.Trainers.Tensor;
using MLGradientInsight.Trainers.Kernels;
using MLGradientInsight.Trainers.Layers;

namespace MLGradientInsight.Analyses.GradientSpace;

/// <summary>
/// Per-sample gradients of a <see cref="Sequential"/> model: one forward and one backward pass over a batch record, for every layer
/// that owns parameters, its input x and the gradient δ of the loss with respect to its output; per-sample parameter gradients are
/// then formed from them.
/// </summary>
/// <remarks>
/// <para><b>Linear layers</b> (closed form): the gradient of sample n's loss with respect to W (out, in) is the outer product
/// δₙ ⊗ xₙ (δ taken after the fused ReLU's mask), with respect to b it is δₙ. Sums over the batch need no batch × parameters matrix:
/// Σₙ gₙ = δᵀx, Σₙ |gₙ| = |δ|ᵀ|x| (|ab| = |a||b|) and Σₙ gₙ² = (δ²)ᵀ(x²), three GEMMs of the size of one backward pass.</para>
/// <para><b>Other layers with parameters</b> (Conv2d, BatchNorm): batch-of-one fallback per layer. Each sample's recorded input is run
/// through that layer alone at batch 1 and its recorded δ back through it, and the layer's parameter gradients are read off. This costs one
/// small forward and backward of that layer per sample (not of the whole model); it reuses the layer's own im2col path, so it is exact, and
/// it leaves the layer's cached forward state pointing at the last sample (run <see cref="Forward"/> again before another backward).</para>
/// <para>The model runs in evaluation mode (dropout off, running batch-norm statistics), so that a sample's gradient does not depend on
/// the rest of its batch. Parameter <see cref="Parameter.Gradient"/> buffers are used as scratch and left at zero.</para>
/// </remarks>
internal sealed class PerSampleGradientPass
{
    private readonly Sequential _model;
    private readonly Slot[] _slots;
    private readonly Tensor[] _outputs;
    private int _batch;
    private bool _backwardDone;
    private bool _forwardValid;

    public PerSampleGradientPass(Sequential model)
    {
        ArgumentNullException.ThrowIfNull(model);
        _model = model;
        var slots = new List<Slot>();
        int offset = 0;
        for (int i = 0; i < model.Layers.Count; i++)
        {
            Module layer = model.Layers[i];
            if (layer.Parameters.Count == 0)
            {
                continue;
            }

            slots.Add(new Slot(i, layer, offset));
            offset += layer.Parameters.Count;
        }

        _slots = [.. slots];
        _outputs = new Tensor[model.Layers.Count];
        ParameterCount = offset;
    }

    /// <summary>Gets the model.</summary>
    public Sequential Model => _model;

    /// <summary>Gets the number of parameter tensors (in the model's order).</summary>
    public int ParameterCount { get; }

    /// <summary>Gets the samples in the current batch.</summary>
    public int BatchSize => _batch;

    /// <summary>Gets whether some layer needs the batch-of-one fallback (Conv2d, BatchNorm…).</summary>
    public bool HasFallbackLayers => _slots.Any(s => s.Linear is null);

    /// <summary>Runs the forward pass in evaluation mode, recording each parameterised layer's input.</summary>
    /// <param name="input">The batch (N, …).</param>
    /// <returns>The model output (owned by the last layer).</returns>
    public Tensor Forward(Tensor input)
    {
        ArgumentNullException.ThrowIfNull(input);
        _model.SetTraining(false);
        _batch = input.Dim(0);
        int next = 0;
        Tensor x = input;
        for (int i = 0; i < _model.Layers.Count; i++)
        {
            if (next < _slots.Length && _slots[next].LayerIndex == i)
            {
                Copy(x, _slots[next].Input);
                next++;
            }

            x = _model.Layers[i].Forward(x);
            _outputs[i] = x;
        }

        _backwardDone = false;
        _forwardValid = true;
        return x;
    }

    /// <summary>Runs the backward pass from dL/d(output) per sample (rows not averaged), recording each parameterised layer's δ.</summary>
    /// <param name="outputGradient">dLₙ/d(output), shape of the output.</param>
    public void Backward(Tensor outputGradient)
    {
        ArgumentNullException.ThrowIfNull(outputGradient);
        if (!_forwardValid)
        {
            throw new InvalidOperationException("Run Forward before Backward (a fallback layer's state was used by the last per-sample pass).");
        }

        int next = _slots.Length - 1;
        Tensor? g = outputGradient;
        for (int i = _model.Layers.Count - 1; i >= 0 && g is not null; i--)
        {
            if (next >= 0 && _slots[next].LayerIndex == i)
            {
                Slot slot = _slots[next];
                Copy(g, slot.Delta);
                if (slot.Linear is { FusedReLU: true })
                {
                    MaskByPositive(_outputs[i].Span, slot.Delta.Span);
                }

                next--;
            }

            if (next < 0)
            {
                break;
            }

            g = _model.Layers[i].Backward(g);
        }

        _model.ZeroGrad();
        _backwardDone = true;
    }

    /// <summary>Adds Σₙ gₙ, Σₙ |gₙ| and Σₙ gₙ² of the current batch to the accumulators (one span per parameter, in model order).</summary>
    public void AccumulateSums(Span<double[]> sum, Span<double[]> sumAbs, Span<double[]> sumSquares)
    {
        EnsureBackward();
        for (int s = _slots.Length - 1; s >= 0; s--)
        {
            Slot slot = _slots[s];
            if (slot.Linear is Linear linear)
            {
                AccumulateLinear(slot, linear, sum, sumAbs, sumSquares);
                continue;
            }

            IReadOnlyList<Parameter> ps = slot.Layer.Parameters;
            for (int n = 0; n < _batch; n++)
            {
                SampleFallback(slot, n);
                for (int k = 0; k < ps.Count; k++)
                {
                    ReadOnlySpan<float> g = ps[k].Gradients;
                    double[] a = sum[slot.ParameterOffset + k], b = sumAbs[slot.ParameterOffset + k], c = sumSquares[slot.ParameterOffset + k];
                    for (int e = 0; e < g.Length; e++)
                    {
                        double v = g[e];
                        a[e] += v;
                        b[e] += Math.Abs(v);
                        c[e] += v * v;
                    }
                }
            }

            slot.Layer.ZeroGrad();
        }
    }

    /// <summary>
    /// Writes, for every sample of the batch, the per-sample gradient entries chosen by <paramref name="selection"/>
    /// into row n of <paramref name="destination"/> (row stride <paramref name="rowStride"/>, starting at <paramref name="rowOffset"/>).
    /// </summary>
    /// <param name="selection">Per parameter (model order), the flat indices to gather; features are laid out parameter after parameter.</param>
    /// <param name="destination">The feature rows.</param>
    /// <param name="rowOffset">The offset of sample 0's row.</param>
    /// <param name="rowStride">The distance between consecutive samples' rows.</param>
    public void Gather(IReadOnlyList<int[]> selection, Span<float> destination, int rowOffset, int rowStride)
    {
        EnsureBackward();
        int[] featureOffsets = new int[selection.Count + 1];
        for (int p = 0; p < selection.Count; p++)
        {
            featureOffsets[p + 1] = featureOffsets[p] + selection[p].Length;
        }

        for (int s = _slots.Length - 1; s >= 0; s--)
        {
            Slot slot = _slots[s];
            IReadOnlyList<Parameter> ps = slot.Layer.Parameters;
            if (slot.Linear is Linear linear)
            {
                ReadOnlySpan<float> x = slot.Input.Span, d = slot.Delta.Span;
                int inputs = linear.Inputs, outputs = linear.Outputs;
                for (int n = 0; n < _batch; n++)
                {
                    ReadOnlySpan<float> xn = x.Slice(n * inputs, inputs), dn = d.Slice(n * outputs, outputs);
                    for (int k = 0; k < ps.Count; k++)
                    {
                        int[] idx = selection[slot.ParameterOffset + k];
                        Span<float> row = destination.Slice(rowOffset + (n * rowStride) + featureOffsets[slot.ParameterOffset + k], idx.Length);
                        bool isWeight = ReferenceEquals(ps[k], linear.Weight);
                        for (int f = 0; f < idx.Length; f++)
                        {
                            int e = idx[f];
                            row[f] = isWeight ? dn[e / inputs] * xn[e % inputs] : dn[e];
                        }
                    }
                }

                continue;
            }

            for (int n = 0; n < _batch; n++)
            {
                SampleFallback(slot, n);
                for (int k = 0; k < ps.Count; k++)
                {
                    ReadOnlySpan<float> g = ps[k].Gradients;
                    int[] idx = selection[slot.ParameterOffset + k];
                    Span<float> row = destination.Slice(rowOffset + (n * rowStride) + featureOffsets[slot.ParameterOffset + k], idx.Length);
                    for (int f = 0; f < idx.Length; f++)
                    {
                        row[f] = g[idx[f]];
                    }
                }
            }

            slot.Layer.ZeroGrad();
        }
    }

    private void AccumulateLinear(Slot slot, Linear linear, Span<double[]> sum, Span<double[]> sumAbs, Span<double[]> sumSquares)
    {
        int n = _batch, inputs = linear.Inputs, outputs = linear.Outputs;
        ReadOnlySpan<float> x = slot.Input.Span, d = slot.Delta.Span;
        slot.Scratch.Resize([outputs, inputs]);
        slot.AbsInput.Resize([n, inputs]);
        slot.AbsDelta.Resize([n, outputs]);
        Span<float> w = slot.Scratch.Span;
        int wi = slot.ParameterOffset;

        // Σₙ gₙ = δᵀx
        Gemm.Multiply(true, false, outputs, inputs, n, 1f, d, outputs, x, inputs, 0f, w, inputs);
        Add(sum[wi], w);

        // Σₙ |gₙ| = |δ|ᵀ|x|
        TensorPrimitives.Abs(x, slot.AbsInput.Span);
        TensorPrimitives.Abs(d, slot.AbsDelta.Span);
        Gemm.Multiply(true, false, outputs, inputs, n, 1f, slot.AbsDelta.Span, outputs, slot.AbsInput.Span, inputs, 0f, w, inputs);
        Add(sumAbs[wi], w);

        // Σₙ gₙ² = (δ²)ᵀ(x²)
        TensorPrimitives.Multiply(x, x, slot.AbsInput.Span);
        TensorPrimitives.Multiply(d, d, slot.AbsDelta.Span);
        Gemm.Multiply(true, false, outputs, inputs, n, 1f, slot.AbsDelta.Span, outputs, slot.AbsInput.Span, inputs, 0f, w, inputs);
        Add(sumSquares[wi], w);

        if (linear.Bias is not null)
        {
            double[] a = sum[wi + 1], b = sumAbs[wi + 1], c = sumSquares[wi + 1];
            for (int r = 0; r < n; r++)
            {
                ReadOnlySpan<float> dr = d.Slice(r * outputs, outputs);
                for (int o = 0; o < outputs; o++)
                {
                    double v = dr[o];
                    a[o] += v;
                    b[o] += Math.Abs(v);
                    c[o] += v * v;
                }
            }
        }
    }

    // Batch-of-one fallback: the layer alone, at batch 1, on sample n's recorded input and δ.
    private void SampleFallback(Slot slot, int n)
    {
        _forwardValid = false;
        Module layer = slot.Layer;
        int inLength = slot.Input.Length / _batch, outLength = slot.Delta.Length / _batch;
        Shape(slot.Input, slot.SampleInput);
        Shape(slot.Delta, slot.SampleDelta);
        slot.Input.Span.Slice(n * inLength, inLength).CopyTo(slot.SampleInput.Span);
        slot.Delta.Span.Slice(n * outLength, outLength).CopyTo(slot.SampleDelta.Span);
        bool needs = layer.NeedsInputGradient;
        layer.NeedsInputGradient = false;
        try
        {
            layer.ZeroGrad();
            layer.Forward(slot.SampleInput);
            layer.Backward(slot.SampleDelta);
        }
        finally
        {
            layer.NeedsInputGradient = needs;
        }
    }

    private void EnsureBackward()
    {
        if (!_backwardDone)
        {
            throw new InvalidOperationException("Run Forward and Backward on a batch first.");
        }
    }

    private static void Shape(Tensor batch, Tensor sample)
    {
        Span<int> shape = stackalloc int[batch.Rank];
        batch.Shape.CopyTo(shape);
        shape[0] = 1;
        sample.Resize(shape);
    }

    private static void Copy(Tensor source, Tensor destination)
    {
        destination.Resize(source.Shape);
        source.Span.CopyTo(destination.Span);
    }

    // The fused ReLU's backward: dL/d(pre-activation) = dY where y > 0, else 0.
    private static void MaskByPositive(ReadOnlySpan<float> output, Span<float> gradient)
    {
        for (int i = 0; i < gradient.Length; i++)
        {
            if (!(output[i] > 0f))
            {
                gradient[i] = 0f;
            }
        }
    }

    private static void Add(double[] accumulator, ReadOnlySpan<float> values)
    {
        for (int i = 0; i < values.Length; i++)
        {
            accumulator[i] += values[i];
        }
    }

    private sealed class Slot(int layerIndex, Module layer, int parameterOffset)
    {
        public int LayerIndex { get; } = layerIndex;

        public Module Layer { get; } = layer;

        public Linear? Linear { get; } = layer as Linear;

        public int ParameterOffset { get; } = parameterOffset;

        public Tensor Input { get; } = new(1);

        public Tensor Delta { get; } = new(1);

        public Tensor SampleInput { get; } = new(1);

        public Tensor SampleDelta { get; } = new(1);

        public Tensor Scratch { get; } = new(1);

        public Tensor AbsInput { get; } = new(1);

        public Tensor AbsDelta { get; } = new(1);
    }
}
