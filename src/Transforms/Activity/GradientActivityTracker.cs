using System.Diagnostics.CodeAnalysis;
using System.Numerics.Tensors;
using System.Runtime.InteropServices;

namespace MLGradientInsight.Transforms.Activity;

/// <summary>
/// Tracks the gradient activity of a network (000 §3): how much each layer's gradients change relative to
/// their own smoothed history. Usable from any training loop (<see cref="BeginStep"/>, <see cref="AddGradient"/>
/// per tensor, <see cref="EndStep"/>) or attached to a trainer by an engine adapter (our engine:
/// <c>tracker.Attach(trainer, sink)</c> in MLGradientInsight.Trainers.Training). The tracker knows no engine: it takes
/// <see cref="TrackedTensor"/> descriptions, gradient spans per step and, optionally, weights before and after the
/// update (<see cref="SetWeightsBeforeUpdate"/>, <see cref="SetWeightsAfterUpdate"/>), and emits <see cref="ActivityRecord"/>s.
/// </summary>
/// <remarks>
/// <para>Per tracked layer (tensors sharing a layer name; per tensor with <see cref="GradientActivityOptions.PerTensor"/>):
/// step 1 stores g; steps 2 … W+1 accumulate I = |g − g_prev| and M becomes their element-wise mean at the end
/// of step W+1 (000 §3.4.3); every later step computes I, dI = |I − M| / M over the included elements, the layer
/// activity = mean dI over the layer's included elements, the network activity = mean dI over all included
/// elements of the network (not the mean of the layer means), then M ← (1 − k2)·M + k2·I and g_prev ← g (§3.3).</para>
/// <para>Included elements (§3.5): M &gt; <see cref="GradientActivityOptions.AbsoluteThreshold"/> and
/// M ≥ <see cref="GradientActivityOptions.RelativeThreshold"/> × (mean M over all values of the layer). The layer mean is
/// the one left by the previous step's update (accumulated during that fused pass), so each step needs one pass only.</para>
/// <para>Non-finite gradient values are counted (<see cref="LayerActivity.NonFiniteCount"/>), count as excluded, and
/// leave M and g_prev of that element untouched, so one bad step does not poison the state. At step 1 a non-finite value
/// stores g_prev = 0; during warm-up it adds no change to M's sum (M is still divided by W).</para>
/// <para>After construction a step allocates nothing (the parallel path for layers of more than 3 × 65,536 values reuses one
/// preallocated thread-pool work item); only the records handed to a sink are allocated. Not thread-safe: call it from one thread.</para>
/// </remarks>
public sealed unsafe class GradientActivityTracker
{
    /// <summary>Values per parallel chunk; partial sums of chunks are combined in chunk order.</summary>
    internal const int Chunk = 65536;

    /// <summary>Fewer chunks than this run on the calling thread: waking helpers costs more than it saves.</summary>
    internal const int MinParallelChunks = 4;

    private readonly GradientActivityOptions _options;
    private readonly TrackedTensor[] _tensors;
    private readonly int[] _layerOfTensor;
    private readonly int[] _valueOffset;
    private readonly int[] _unitOffset;
    private readonly bool[] _seen;
    private readonly bool[] _previousHeld;
    private readonly LayerState[] _layers;
    private readonly ChunkWorker _worker;
    private readonly object _chunkGate = new();
    private ActivityRecord[]? _recordBuffer;
    private UnitActivityRecord[]? _unitBuffer;
    private long _observed;
    private bool _inStep;
    private long _step;
    private int _epoch;
    private double _loss = double.NaN;
    private double _learningRate = double.NaN;
    private bool _hasActivity;
    private LayerActivity _network;
    private readonly float[][]? _weightsBefore;
    private float[]? _unitScratch;
    private int _claimed;

    // Arguments of the parallel chunk pass (valid only during one RunChunksInParallel call).
    private int _nextChunk;
    private int _chunkCount;
    private int _pending;
    private float* _chunkGradient;
    private float* _chunkPrevious;
    private float* _chunkMean;
    private bool _chunkWritesPrevious;
    private int _chunkLength;
    private ActivityKernel.Settings _chunkSettings;
    private ActivitySums[]? _chunkSums;

    /// <summary>Creates a tracker for a layout of gradient tensors (tensor index i = <paramref name="tensors"/>[i]).</summary>
    /// <param name="tensors">The tensors in the order their gradients will be given.</param>
    /// <param name="options">The settings, or null for defaults.</param>
    /// <exception cref="ArgumentNullException"><paramref name="tensors"/> is null.</exception>
    /// <exception cref="ArgumentException">No tensors, an empty tensor, a duplicate name, or <see cref="GradientActivityOptions.Layers"/> names an unknown layer.</exception>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range.</exception>
    public GradientActivityTracker(IReadOnlyList<TrackedTensor> tensors, GradientActivityOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(tensors);
        _options = options ?? new GradientActivityOptions();
        _options.Validate();
        if (tensors.Count == 0)
        {
            throw new ArgumentException("There are no tensors to track.", nameof(tensors));
        }

        _tensors = [.. tensors];
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (TrackedTensor t in _tensors)
        {
            ArgumentNullException.ThrowIfNull(t, nameof(tensors));
            t.Validate(nameof(tensors));

            if (!names.Add(t.Name))
            {
                throw new ArgumentException($"Two tensors are named '{t.Name}'.", nameof(tensors));
            }
        }

        if (_options.Layers is { } filter)
        {
            foreach (string layer in filter)
            {
                if (!_tensors.Any(t => t.Layer == layer))
                {
                    throw new ArgumentException(
                        $"Layers names '{layer}', which is not a layer of the model. Layers with parameters: {string.Join(", ", _tensors.Select(t => t.Layer).Distinct())}.",
                        nameof(options));
                }
            }
        }

        _layerOfTensor = new int[_tensors.Length];
        _valueOffset = new int[_tensors.Length];
        _unitOffset = new int[_tensors.Length];
        _seen = new bool[_tensors.Length];
        _previousHeld = new bool[_tensors.Length];
        var layers = new List<LayerState>();
        var layerIndex = new Dictionary<string, int>(StringComparer.Ordinal);
        for (int i = 0; i < _tensors.Length; i++)
        {
            TrackedTensor t = _tensors[i];
            if (_options.Layers is { } f && !f.Contains(t.Layer))
            {
                _layerOfTensor[i] = -1;
                continue;
            }

            string key = _options.PerTensor ? t.Name : t.Layer;
            if (!layerIndex.TryGetValue(key, out int li))
            {
                li = layers.Count;
                layerIndex.Add(key, li);
                layers.Add(new LayerState(key));
            }

            _layerOfTensor[i] = li;
            layers[li].Tensors.Add(i);
        }

        _layers = [.. layers];
        foreach (LayerState layer in _layers)
        {
            Layout(layer);
        }

        if (_options.TrackWeightStatistics)
        {
            _weightsBefore = new float[_tensors.Length][];
            for (int i = 0; i < _tensors.Length; i++)
            {
                _weightsBefore[i] = _layerOfTensor[i] >= 0 ? new float[_tensors[i].Length] : [];
            }
        }

        if (_options.Grouping == ActivityGrouping.Unit || _options.Detail == ActivityDetail.Unit)
        {
            int largest = 0;
            for (int i = 0; i < _tensors.Length; i++)
            {
                if (_layerOfTensor[i] >= 0 && _tensors[i].UnitAxis != 0)
                {
                    largest = Math.Max(largest, _tensors[i].Length);
                }
            }

            _unitScratch = largest > 0 ? new float[largest] : null;
        }

        _worker = new ChunkWorker(this);
    }

    /// <summary>Gets the settings.</summary>
    public GradientActivityOptions Options => _options;

    /// <summary>Gets the tensor layout (tensor index → description).</summary>
    public IReadOnlyList<TrackedTensor> Tensors => _tensors;

    /// <summary>Gets the number of tracked layers (or tensors, in per-tensor mode).</summary>
    public int LayerCount => _layers.Length;

    /// <summary>Gets the number of completed steps.</summary>
    public long ObservedSteps => _observed;

    /// <summary>Gets whether warm-up is over, so that the next step reports activity.</summary>
    public bool IsWarmedUp => _observed > _options.WarmupSteps;

    /// <summary>Gets a read-only view of the last completed step; valid until the next <see cref="EndStep"/>.</summary>
    public ActivityStepView LastStep => new(this);

    internal bool HasActivity => _hasActivity;

    internal long StepNumber => _step;

    internal int EpochNumber => _epoch;

    internal double LossValue => _loss;

    internal LayerActivity NetworkActivity => _network;

    /// <summary>Gets the name of tracked layer <paramref name="layer"/>.</summary>
    /// <param name="layer">The layer index, in model order.</param>
    /// <returns>The layer name (the tensor name in per-tensor mode).</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="layer"/> is not a layer index.</exception>
    public string LayerName(int layer)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(layer);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(layer, _layers.Length);
        return _layers[layer].Name;
    }

    /// <summary>Gets the number of units of tracked layer <paramref name="layer"/> (dimension 0 of its tensors).</summary>
    /// <param name="layer">The layer index.</param>
    /// <returns>The unit count.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="layer"/> is not a layer index.</exception>
    public int UnitCount(int layer)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(layer);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(layer, _layers.Length);
        return _layers[layer].UnitCount;
    }

    /// <summary>Starts a step. Then call <see cref="AddGradient"/> once for every tracked tensor and <see cref="EndStep"/>.</summary>
    /// <param name="step">The 1-based global step written into the records.</param>
    /// <param name="epoch">The 1-based epoch (0 when unknown).</param>
    /// <param name="loss">The batch loss (NaN when unknown).</param>
    /// <param name="learningRate">The learning rate (NaN when unknown); layers use it unless <see cref="SetLayerStatistics"/> overrides it.</param>
    /// <exception cref="InvalidOperationException">The previous step was not ended.</exception>
    public void BeginStep(long step, int epoch = 0, double loss = double.NaN, double learningRate = double.NaN)
    {
        if (_inStep)
        {
            ThrowInvalid("BeginStep was called twice; call EndStep to finish the current step first.");
        }

        _inStep = true;
        _step = step;
        _epoch = epoch;
        _loss = loss;
        _learningRate = learningRate;
        Array.Clear(_seen);
        foreach (LayerState layer in _layers)
        {
            layer.Sums = default;
            layer.RawSquares = 0;
            layer.RawNonFinite = 0;
            layer.External = false;
            layer.WeightNorm = double.NaN;
            layer.UpdateNorm = double.NaN;
            layer.WeightSquares = 0;
            layer.UpdateSquares = 0;
            layer.WeightTensors = 0;
            layer.LearningRate = learningRate;
            layer.Grouped?.AsSpan().Clear();
            if (layer.UnitSum is not null)
            {
                Array.Clear(layer.UnitSum);
                Array.Clear(layer.UnitIncluded!);
            }
        }
    }

    /// <summary>Gives the gradient of tensor <paramref name="tensorIndex"/> for the current step.</summary>
    /// <param name="tensorIndex">The index in the layout. Tensors of untracked layers are accepted and ignored.</param>
    /// <param name="gradient">The gradient, row-major, <c>Tensors[tensorIndex].Length</c> values; it is read during the call only.</param>
    /// <exception cref="InvalidOperationException">No step was begun, or this tensor was already given in this step.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="tensorIndex"/> is not a tensor index.</exception>
    /// <exception cref="ArgumentException">The gradient length differs from the tensor's.</exception>
    public void AddGradient(int tensorIndex, ReadOnlySpan<float> gradient)
    {
        if ((uint)tensorIndex < (uint)_previousHeld.Length && _previousHeld[tensorIndex])
        {
            ThrowInvalid($"g_prev of '{_tensors[tensorIndex].Name}' is the previous gradient its caller keeps (AddRetainedGradient); keep giving it, or call ResetHistory first.");
        }

        TakeGradient(tensorIndex, gradient, default, retain: false);
    }

    /// <summary>
    /// Gives the gradient of a tensor for the current step, as <see cref="AddGradient"/>, but the
    /// caller keeps <paramref name="gradient"/> alive and unchanged until the next step and gives it there as
    /// <paramref name="previousGradient"/>: the tracker then reads g_prev from it instead of copying g into its own state
    /// (16 bytes per element and step instead of 20; <see cref="ActivityKernel.ActiveReadPrevious"/>). Records and state are
    /// the same as with the copying call to the last bit. The tracker falls back to its own copy of g_prev where it must (the
    /// first step, a step with non-finite values, unit grouping or per-unit detail), so give the previous gradient every step.
    /// </summary>
    /// <param name="tensorIndex">The index in the layout.</param>
    /// <param name="gradient">This step's gradient; read during the call and, as g_prev, during the next step's call.</param>
    /// <param name="previousGradient">The gradient given for this tensor in the previous step (empty in the first step).</param>
    internal void AddRetainedGradient(int tensorIndex, ReadOnlySpan<float> gradient, ReadOnlySpan<float> previousGradient) =>
        TakeGradient(tensorIndex, gradient, previousGradient, retain: true);

    /// <summary>
    /// Forgets the gradient history (g_prev, M, the warm-up): the next step is step 1 of a new warm-up. For an adapter that
    /// learns that the previous gradient it kept was overwritten.
    /// </summary>
    internal void ResetHistory()
    {
        if (_inStep)
        {
            ThrowInvalid("ResetHistory was called inside a step; call EndStep first.");
        }

        _observed = 0;
        _hasActivity = false;
        Array.Clear(_previousHeld);
        foreach (LayerState layer in _layers)
        {
            Array.Clear(layer.Previous);
            Array.Clear(layer.Mean);
            layer.MeanOfMean = 0;
        }
    }

    private void TakeGradient(int tensorIndex, ReadOnlySpan<float> gradient, ReadOnlySpan<float> previousGradient, bool retain)
    {
        if (!_inStep)
        {
            ThrowInvalid("Call BeginStep before AddGradient.");
        }

        ArgumentOutOfRangeException.ThrowIfNegative(tensorIndex);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(tensorIndex, _tensors.Length);
        int length = _tensors[tensorIndex].Length;
        if (gradient.Length != length)
        {
            ThrowLength(tensorIndex, gradient.Length);
        }

        if (_seen[tensorIndex])
        {
            ThrowInvalid($"The gradient of '{_tensors[tensorIndex].Name}' was already given in step {_step}.");
        }

        _seen[tensorIndex] = true;
        int li = _layerOfTensor[tensorIndex];
        if (li < 0)
        {
            return;
        }

        LayerState layer = _layers[li];
        TrackedTensor tensor = _tensors[tensorIndex];
        bool canRetain = _options.Grouping == ActivityGrouping.Element && _options.Detail == ActivityDetail.Layer;
        if (retain && canRetain)
        {
            ProcessRetained(layer, tensorIndex, gradient, previousGradient);
            return;
        }

        _previousHeld[tensorIndex] = false;
        if (tensor.UnitAxis != 0 && _unitScratch is not null)
        {
            // Unit-major order for unit grouping and unit detail: (outer, units, inner) → (units, outer, inner).
            Span<float> permuted = _unitScratch.AsSpan(0, length);
            MoveUnitAxisFirst(gradient, permuted, tensor.Shape, tensor.UnitAxis);
            gradient = permuted;
        }

        if (_options.Grouping == ActivityGrouping.Element)
        {
            int offset = _valueOffset[tensorIndex];
            Process(layer, gradient, offset, _tensors[tensorIndex].Units, _unitOffset[tensorIndex]);
        }
        else
        {
            Reduce(layer, tensorIndex, gradient);
        }
    }

    /// <summary>Ends the step: finishes the grouped layers and the network totals and updates <see cref="LastStep"/>.</summary>
    /// <returns>True when the step produced activity (warm-up is over).</returns>
    /// <exception cref="InvalidOperationException">No step was begun, or a tracked tensor's gradient was not given (the tensors
    /// already given have updated their state, so the tracker is then inconsistent: create a new one).</exception>
    public bool EndStep()
    {
        if (!_inStep)
        {
            ThrowInvalid("Call BeginStep before EndStep.");
        }

        for (int i = 0; i < _seen.Length; i++)
        {
            if (!_seen[i] && _layerOfTensor[i] >= 0)
            {
                ThrowInvalid($"Step {_step}: the gradient of '{_tensors[i].Name}' was not given; call AddGradient for every tracked tensor.");
            }
        }

        if (_options.Grouping != ActivityGrouping.Element)
        {
            foreach (LayerState layer in _layers)
            {
                if (layer.External)
                {
                    continue;
                }

                Process(layer, layer.Grouped!, 0, _options.Grouping == ActivityGrouping.Unit ? layer.ValueCount : 0, 0);
                layer.Sums.NonFinite = layer.RawNonFinite;
                layer.Sums.SumSquares = layer.RawSquares;
            }
        }

        long phase = _observed;
        int warmup = _options.WarmupSteps;
        _observed++;
        _inStep = false;
        _hasActivity = phase > warmup;
        double sumActivity = 0, sumIncludedMean = 0, squares = 0;
        long included = 0, count = 0, nonFinite = 0;
        foreach (LayerState layer in _layers)
        {
            ref ActivitySums s = ref layer.Sums;
            int n = layer.ValueCount;
            if (phase == warmup && layer.External)
            {
                // The adapter divided M itself and gave Σ M in SumMean.
                layer.MeanOfMean = s.SumMean / n;
            }
            else if (phase == warmup)
            {
                // End of warm-up: M = mean of the W collected changes (000 §3.4.3).
                TensorPrimitives.Divide(layer.Mean, warmup, layer.Mean);
                layer.MeanOfMean = SumDouble(layer.Mean) / n;
            }
            else if (_hasActivity)
            {
                layer.MeanOfMean = s.SumMean / n;
            }

            layer.Activity = _hasActivity && s.Included > 0 ? s.SumActivity / s.Included : double.NaN;
            layer.MeanChange = _hasActivity && s.Included > 0 ? s.SumIncludedMean / s.Included : double.NaN;
            layer.ExcludedFraction = _hasActivity ? (double)(n - s.Included) / n : double.NaN;
            if (_hasActivity && layer.UnitSum is not null)
            {
                for (int u = 0; u < layer.UnitCount; u++)
                {
                    layer.UnitActivity![u] = layer.UnitIncluded![u] > 0 ? layer.UnitSum[u] / layer.UnitIncluded[u] : double.NaN;
                }
            }

            sumActivity += s.SumActivity;
            sumIncludedMean += s.SumIncludedMean;
            squares += s.SumSquares;
            included += s.Included;
            count += n;
            nonFinite += s.NonFinite;
        }

        _network = new LayerActivity(
            ActivityRecord.NetworkLayer,
            _hasActivity && included > 0 ? sumActivity / included : double.NaN,
            _hasActivity && included > 0 ? sumIncludedMean / included : double.NaN,
            _hasActivity ? (double)(count - included) / count : double.NaN,
            (int)Math.Min(int.MaxValue, nonFinite),
            Math.Sqrt(squares),
            double.NaN,
            double.NaN,
            _learningRate,
            (int)Math.Min(int.MaxValue, count));
        return _hasActivity;
    }

    /// <summary>Sets the weight statistics of a layer for the last step (used in its records).</summary>
    /// <param name="layer">The layer index.</param>
    /// <param name="weightNorm">L2 norm of the layer's weights after the update.</param>
    /// <param name="updateNorm">L2 norm of the update ‖θ_after − θ_before‖.</param>
    /// <param name="learningRate">The layer's learning rate.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="layer"/> is not a layer index.</exception>
    public void SetLayerStatistics(int layer, double weightNorm, double updateNorm, double learningRate)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(layer);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(layer, _layers.Length);
        LayerState s = _layers[layer];
        s.WeightNorm = weightNorm;
        s.UpdateNorm = updateNorm;
        s.LearningRate = learningRate;
    }

    /// <summary>Gets whether the tracker wants the weights around this step's update: the step produced activity and
    /// <see cref="GradientActivityOptions.TrackWeightStatistics"/> is on. Adapters then call <see cref="SetWeightsBeforeUpdate"/>
    /// for every tracked tensor before the optimizer step and <see cref="SetWeightsAfterUpdate"/> after it.</summary>
    public bool WantsWeights => _hasActivity && _weightsBefore is not null;

    /// <summary>Gets the layer a tensor is tracked in.</summary>
    /// <param name="tensorIndex">The tensor index in <see cref="Tensors"/>.</param>
    /// <returns>The layer index, or −1 when the tensor's layer is not tracked (<see cref="GradientActivityOptions.Layers"/>).</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="tensorIndex"/> is not a tensor index.</exception>
    public int LayerOfTensor(int tensorIndex)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(tensorIndex);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(tensorIndex, _tensors.Length);
        return _layerOfTensor[tensorIndex];
    }

    /// <summary>Gets the tensors of a tracked layer.</summary>
    /// <param name="layer">The layer index.</param>
    /// <returns>Their indices in <see cref="Tensors"/>, in layout order.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="layer"/> is not a layer index.</exception>
    public IReadOnlyList<int> TensorsOfLayer(int layer)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(layer);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(layer, _layers.Length);
        return _layers[layer].Tensors;
    }

    /// <summary>Gives a tracked tensor's weights before this step's update (copied; used for the update norm).</summary>
    /// <param name="tensorIndex">The tensor index.</param>
    /// <param name="weights">The weights, <c>Tensors[tensorIndex].Length</c> values.</param>
    /// <exception cref="InvalidOperationException"><see cref="WantsWeights"/> is false.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="tensorIndex"/> is not the index of a tracked tensor.</exception>
    /// <exception cref="ArgumentException">The length differs from the tensor's.</exception>
    public void SetWeightsBeforeUpdate(int tensorIndex, ReadOnlySpan<float> weights) =>
        weights.CopyTo(WeightBuffer(tensorIndex, weights.Length));

    /// <summary>
    /// Gives a tracked tensor's weights after this step's update: adds ‖θ‖² and ‖θ − θ_before‖² to its layer, so the
    /// records carry the layer's weight and update norms (and the network's over every tensor given).
    /// </summary>
    /// <param name="tensorIndex">The tensor index.</param>
    /// <param name="weights">The updated weights.</param>
    /// <exception cref="InvalidOperationException"><see cref="WantsWeights"/> is false.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="tensorIndex"/> is not the index of a tracked tensor.</exception>
    /// <exception cref="ArgumentException">The length differs from the tensor's.</exception>
    public void SetWeightsAfterUpdate(int tensorIndex, ReadOnlySpan<float> weights)
    {
        float[] before = WeightBuffer(tensorIndex, weights.Length);
        ActivityKernel.WeightSums(weights, before, out double squares, out double updateSquares);   // one pass over θ and θ_before
        AddWeightSquares(tensorIndex, squares, updateSquares);
    }

    /// <summary>
    /// Adds a tracked tensor's ‖θ‖² and ‖θ − θ_before‖² computed elsewhere (an adapter that keeps θ_before on a device);
    /// the same effect as <see cref="SetWeightsAfterUpdate"/>.
    /// </summary>
    internal void AddWeightSquares(int tensorIndex, double weightSquares, double updateSquares)
    {
        _ = WeightBuffer(tensorIndex, _tensors[tensorIndex].Length);
        LayerState layer = _layers[_layerOfTensor[tensorIndex]];
        layer.WeightSquares += weightSquares;
        layer.UpdateSquares += updateSquares;
        layer.WeightTensors++;
        layer.WeightNorm = Math.Sqrt(layer.WeightSquares);
        layer.UpdateNorm = Math.Sqrt(layer.UpdateSquares);
    }

    /// <summary>
    /// Gives the sums of one layer's step computed elsewhere — the same pass as <see cref="ActivityKernel"/> run by an engine
    /// adapter on a device, with the state (g_prev, M) kept there — instead of <see cref="AddGradient"/> for its tensors.
    /// </summary>
    /// <param name="layer">The layer index.</param>
    /// <param name="sums">The layer's sums. In the step that ends warm-up, <see cref="ActivitySums.SumMean"/> is Σ M after
    /// the division by W (the relative threshold of the next step comes from it).</param>
    /// <param name="unitOffset">The layer's unit that <paramref name="unitSums"/>[0] belongs to.</param>
    /// <param name="unitSums">With <see cref="ActivityDetail.Unit"/> in an active step: Σ dI per unit; else empty.</param>
    /// <param name="unitIncluded">With <see cref="ActivityDetail.Unit"/> in an active step: included elements per unit; else empty.</param>
    internal void AddExternalSums(int layer, in ActivitySums sums, int unitOffset, ReadOnlySpan<double> unitSums, ReadOnlySpan<double> unitIncluded)
    {
        if (!_inStep)
        {
            ThrowInvalid("Call BeginStep before AddExternalSums.");
        }

        LayerState state = _layers[layer];
        state.External = true;
        state.Sums.Add(sums);
        foreach (int t in state.Tensors)
        {
            _seen[t] = true;
        }

        if (state.UnitSum is not null && unitSums.Length > 0)
        {
            for (int u = 0; u < unitSums.Length; u++)
            {
                state.UnitSum[unitOffset + u] += unitSums[u];
                state.UnitIncluded![unitOffset + u] += (long)unitIncluded[u];
            }
        }
    }

    /// <summary>Where tensor <paramref name="tensorIndex"/>'s values start in its layer's state (g_prev, M).</summary>
    internal int ValueOffset(int tensorIndex) => _valueOffset[tensorIndex];

    /// <summary>The first unit of tensor <paramref name="tensorIndex"/> in its layer's per-unit arrays.</summary>
    internal int UnitOffset(int tensorIndex) => _unitOffset[tensorIndex];

    /// <summary>The number of tracked values of a layer (elements, units or tensors, by grouping).</summary>
    internal int ValueCount(int layer) => _layers[layer].ValueCount;

    /// <summary>The mean of M over a layer after the last step (× <see cref="GradientActivityOptions.RelativeThreshold"/> = the relative threshold).</summary>
    internal double MeanOfMean(int layer) => _layers[layer].MeanOfMean;

    /// <summary>The host state of a layer, for an adapter that moves it to or from a device: g_prev and M.</summary>
    internal (float[] Previous, float[] Mean) HostState(int layer) => (_layers[layer].Previous, _layers[layer].Mean);

    /// <summary>Sets the learning rate of a tracked layer for the last step (its records' <c>learning_rate</c>).</summary>
    /// <param name="layer">The layer index.</param>
    /// <param name="learningRate">The learning rate.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="layer"/> is not a layer index.</exception>
    public void SetLearningRate(int layer, double learningRate)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(layer);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(layer, _layers.Length);
        _layers[layer].LearningRate = learningRate;
    }

    /// <summary>
    /// Marks the tracker as fed by one training loop. Engine adapters call it when they attach, so that one tracker
    /// cannot be fed by two loops at once (its state would mix two gradient streams).
    /// </summary>
    /// <returns>Dispose to release the claim.</returns>
    /// <exception cref="InvalidOperationException">The tracker is already claimed.</exception>
    public IDisposable Claim()
    {
        if (Interlocked.CompareExchange(ref _claimed, 1, 0) != 0)
        {
            ThrowInvalid("The tracker is already attached to a trainer; dispose that attachment first.");
        }

        return new ClaimRelease(this);
    }

    /// <summary>Sets the network-level weight statistics of the last step (used in the network record).</summary>
    /// <param name="weightNorm">L2 norm of all tracked weights after the update.</param>
    /// <param name="updateNorm">L2 norm of the whole update.</param>
    public void SetNetworkStatistics(double weightNorm, double updateNorm) =>
        _network = _network with { WeightNorm = weightNorm, UpdateNorm = updateNorm };

    /// <summary>
    /// Writes the records of the last step to <paramref name="sink"/>: one network row, one row per layer, and with
    /// <see cref="ActivityDetail.Unit"/> one row per unit. Nothing is written for warm-up steps.
    /// </summary>
    /// <param name="sink">The sink.</param>
    /// <returns>The number of network and layer rows written.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="sink"/> is null.</exception>
    public int WriteRecords(IActivitySink sink)
    {
        ArgumentNullException.ThrowIfNull(sink);
        if (!_hasActivity)
        {
            return 0;
        }

        double networkWeights = 0, networkUpdate = 0;
        int weightTensors = 0;
        foreach (LayerState layer in _layers)
        {
            networkWeights += layer.WeightSquares;
            networkUpdate += layer.UpdateSquares;
            weightTensors += layer.WeightTensors;
        }

        if (weightTensors > 0)
        {
            SetNetworkStatistics(Math.Sqrt(networkWeights), Math.Sqrt(networkUpdate));
        }

        ActivityRecord[] records = _recordBuffer ??= new ActivityRecord[_layers.Length + 1];
        records[0] = ToRecord(_network);
        for (int i = 0; i < _layers.Length; i++)
        {
            records[i + 1] = ToRecord(_layers[i].ToActivity());
        }

        if (_options.Detail == ActivityDetail.Unit)
        {
            int total = _layers.Sum(l => l.UnitCount);
            UnitActivityRecord[] units = _unitBuffer ??= new UnitActivityRecord[total];
            int k = 0;
            foreach (LayerState layer in _layers)
            {
                for (int u = 0; u < layer.UnitCount; u++)
                {
                    units[k++] = new UnitActivityRecord(_options.RunId, _step, layer.Name, u, layer.UnitActivity![u]);
                }
            }

            sink.Write(records, units);
        }
        else
        {
            sink.Write(records, []);
        }

        return records.Length;
    }

    internal LayerActivity LayerResult(int layer)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(layer);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(layer, _layers.Length);
        return _layers[layer].ToActivity();
    }

    internal ReadOnlySpan<double> UnitActivities(int layer)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(layer);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(layer, _layers.Length);
        return _layers[layer].UnitActivity;
    }

    /// <summary>Internal state for tests: g_prev of a layer.</summary>
    internal ReadOnlySpan<float> PreviousOf(int layer) => _layers[layer].Previous;

    /// <summary>Internal state for tests: M of a layer.</summary>
    internal ReadOnlySpan<float> MeanOf(int layer) => _layers[layer].Mean;

    private void Layout(LayerState layer)
    {
        // Units: shared by all tensors of the layer when they agree on dimension 0 (weight + bias), else one block per tensor.
        int firstUnits = _tensors[layer.Tensors[0]].Units;
        bool shared = layer.Tensors.All(t => _tensors[t].Units == firstUnits);
        int units = 0, values = 0, largest = 0;
        for (int k = 0; k < layer.Tensors.Count; k++)
        {
            int t = layer.Tensors[k];
            TrackedTensor tensor = _tensors[t];
            _unitOffset[t] = shared ? 0 : units;
            units = shared ? firstUnits : units + tensor.Units;
            switch (_options.Grouping)
            {
                case ActivityGrouping.Element:
                    _valueOffset[t] = values;
                    values += tensor.Length;
                    largest = Math.Max(largest, tensor.Length);
                    break;
                case ActivityGrouping.Unit:
                    _valueOffset[t] = _unitOffset[t];
                    values = units;
                    break;
                default:
                    _valueOffset[t] = k;
                    values = k + 1;
                    break;
            }
        }

        largest = Math.Max(largest, values);
        layer.ValueCount = values;
        layer.UnitCount = units;
        layer.Previous = new float[values];
        layer.Mean = new float[values];
        if (_options.Grouping != ActivityGrouping.Element)
        {
            layer.Grouped = new float[values];
        }

        if (_options.Detail == ActivityDetail.Unit)
        {
            layer.UnitSum = new double[units];
            layer.UnitIncluded = new long[units];
            layer.UnitActivity = new double[units];
            Array.Fill(layer.UnitActivity, double.NaN);
        }

        if (largest > Chunk)
        {
            int chunks = (largest + Chunk - 1) / Chunk;
            if (_chunkSums is null || _chunkSums.Length < chunks)
            {
                _chunkSums = new ActivitySums[chunks];
            }
        }
    }

    private void Reduce(LayerState layer, int tensorIndex, ReadOnlySpan<float> gradient)
    {
        Span<float> grouped = layer.Grouped;
        int offset = _valueOffset[tensorIndex];
        float squares = TensorPrimitives.SumOfSquares(gradient);
        if (float.IsFinite(squares))
        {
            layer.RawSquares += squares;
        }
        else
        {
            FiniteStatistics(gradient, out double sq, out long bad);
            layer.RawSquares += sq;
            layer.RawNonFinite += bad;
        }

        if (_options.Grouping == ActivityGrouping.Tensor)
        {
            grouped[offset] += ActivityKernel.Sum(gradient);
            return;
        }

        int units = _tensors[tensorIndex].Units;
        int row = gradient.Length / units;
        for (int u = 0; u < units; u++)
        {
            grouped[offset + u] += ActivityKernel.Sum(gradient.Slice(u * row, row));
        }
    }

    private static void FiniteStatistics(ReadOnlySpan<float> values, out double squares, out long nonFinite)
    {
        squares = 0;
        nonFinite = 0;
        foreach (float x in values)
        {
            if (float.IsFinite(x))
            {
                squares += (double)x * x;
            }
            else
            {
                nonFinite++;
            }
        }
    }

    /// <summary>Runs the current phase on values [offset, offset + g.Length) of a layer.</summary>
    /// <param name="layer">The layer.</param>
    /// <param name="g">The values (gradient or grouped values).</param>
    /// <param name="offset">Where they start in the layer's state.</param>
    /// <param name="units">For per-unit detail: the number of units the values split into (rows); 0 otherwise.</param>
    /// <param name="unitOffset">The first unit's index.</param>
    private void Process(LayerState layer, ReadOnlySpan<float> g, int offset, int units, int unitOffset)
    {
        Span<float> previous = layer.Previous.AsSpan(offset, g.Length);
        Span<float> mean = layer.Mean.AsSpan(offset, g.Length);
        if (_observed == 0)
        {
            ActivityKernel.First(g, previous, ref layer.Sums);
            return;
        }

        if (_observed <= _options.WarmupSteps)
        {
            ActivityKernel.Warmup(g, previous, mean, ref layer.Sums);
            return;
        }

        ActiveSettings(layer, out ActivityKernel.Settings settings);
        if (_options.Detail == ActivityDetail.Unit && units > 0)
        {
            int row = g.Length / units;
            for (int u = 0; u < units; u++)
            {
                ActivitySums unit = default;
                ActivityKernel.Active(g.Slice(u * row, row), previous.Slice(u * row, row), mean.Slice(u * row, row), settings, ref unit);
                layer.UnitSum![unitOffset + u] += unit.SumActivity;
                layer.UnitIncluded![unitOffset + u] += unit.Included;
                layer.Sums.Add(unit);
            }

            return;
        }

        ActivePass(layer, g, previous, mean, settings, writesPrevious: true);
    }

    /// <summary>
    /// <see cref="Process"/> for one tensor of an element-grouped layer whose caller keeps the previous gradient
    /// (<see cref="AddRetainedGradient"/>): g_prev is read from <paramref name="held"/> when the last step left it there,
    /// else from the state; afterwards g_prev is g itself unless this step had non-finite values, which rebuild the state's copy.
    /// </summary>
    private void ProcessRetained(LayerState layer, int tensorIndex, ReadOnlySpan<float> g, ReadOnlySpan<float> held)
    {
        int offset = _valueOffset[tensorIndex];
        Span<float> state = layer.Previous.AsSpan(offset, g.Length);
        Span<float> mean = layer.Mean.AsSpan(offset, g.Length);
        if (_observed == 0)
        {
            ActivityKernel.First(g, state, ref layer.Sums);
            _previousHeld[tensorIndex] = false;
            return;
        }

        if (_previousHeld[tensorIndex] && held.Length != g.Length)
        {
            ThrowInvalid($"Step {_step}: the previous gradient of '{_tensors[tensorIndex].Name}' has {held.Length} values, not {g.Length}; give the gradient of the last step.");
        }

        ReadOnlySpan<float> previous = _previousHeld[tensorIndex] ? held : state;
        long nonFinite = layer.Sums.NonFinite;
        if (_observed <= _options.WarmupSteps)
        {
            ActivityKernel.WarmupReadPrevious(g, previous, mean, ref layer.Sums);
        }
        else
        {
            ActiveSettings(layer, out ActivityKernel.Settings settings);
            ActivePass(layer, g, previous, mean, settings, writesPrevious: false);
        }

        bool allFinite = layer.Sums.NonFinite == nonFinite;
        if (!allFinite)
        {
            // The copying pass keeps the old g_prev where g is not finite: rebuild that in the state.
            ActivityKernel.KeepFinite(g, previous, state);
        }

        _previousHeld[tensorIndex] = allFinite;
    }

    private void ActiveSettings(LayerState layer, out ActivityKernel.Settings settings)
    {
        float k2 = _options.Smoothing;
        settings = new ActivityKernel.Settings(
            _options.AbsoluteThreshold,
            (float)(_options.RelativeThreshold * layer.MeanOfMean),
            1f - k2,
            k2,
            _options.RootExponent);
    }

    /// <summary>The active pass over values of a layer, in chunks (in parallel for large layers); g_prev written or only read.</summary>
    private void ActivePass(LayerState layer, ReadOnlySpan<float> g, ReadOnlySpan<float> previous, Span<float> mean, in ActivityKernel.Settings settings, bool writesPrevious)
    {
        int chunks = (g.Length + Chunk - 1) / Chunk;
        if (chunks <= 1)
        {
            ActiveSlice(g, previous, mean, settings, writesPrevious, ref layer.Sums);
            return;
        }

        ActivitySums[] partial = _chunkSums!;
        if (_options.MaxDegreeOfParallelism > 1 && chunks >= MinParallelChunks)
        {
            fixed (float* pg = g, pp = previous, pm = mean)
            {
                _chunkGradient = pg;
                _chunkPrevious = pp;
                _chunkMean = pm;
                _chunkLength = g.Length;
                _chunkSettings = settings;
                _chunkWritesPrevious = writesPrevious;
                RunChunksInParallel(chunks);
                _chunkGradient = _chunkPrevious = _chunkMean = null;
            }
        }
        else
        {
            for (int c = 0; c < chunks; c++)
            {
                int start = c * Chunk, length = Math.Min(Chunk, g.Length - start);
                partial[c] = default;
                ActiveSlice(g.Slice(start, length), previous.Slice(start, length), mean.Slice(start, length), settings, writesPrevious, ref partial[c]);
            }
        }

        for (int c = 0; c < chunks; c++)
        {
            layer.Sums.Add(partial[c]);
        }
    }

    /// <summary>One slice of the active pass: the copying kernel (g_prev is the layer state, writable) or the reading one.</summary>
    private static void ActiveSlice(ReadOnlySpan<float> g, ReadOnlySpan<float> previous, Span<float> mean, in ActivityKernel.Settings settings, bool writesPrevious, ref ActivitySums sums)
    {
        if (writesPrevious)
        {
            // Only the layer's own state array is passed with writesPrevious, so writing through the read-only view is safe.
            ActivityKernel.Active(g, MemoryMarshal.CreateSpan(ref MemoryMarshal.GetReference(previous), previous.Length), mean, settings, ref sums);
        }
        else
        {
            ActivityKernel.ActiveReadPrevious(g, previous, mean, settings, ref sums);
        }
    }

    /// <summary>
    /// Runs chunks 0 … count−1 on this thread plus up to MaxDegreeOfParallelism − 1 thread-pool helpers, without
    /// allocating: the helpers are one preallocated work item; chunks are claimed with an interlocked counter, and the
    /// call returns only when every chunk is done and every helper queued by this call has exited, so no helper
    /// outlives the pinned spans. A busy pool only means this thread does more chunks itself.
    /// </summary>
    private void RunChunksInParallel(int count)
    {
        int helpers = Math.Min(_options.MaxDegreeOfParallelism, count) - 1;
        _chunkCount = count;
        _nextChunk = 0;
        Volatile.Write(ref _pending, count + helpers);
        for (int h = 0; h < helpers; h++)
        {
            ThreadPool.UnsafeQueueUserWorkItem(_worker, preferLocal: false);
        }

        DrainChunks();

        // Spin briefly, then block on a preallocated monitor (ManualResetEventSlim would allocate its lock lazily).
        var spin = default(SpinWait);
        while (Volatile.Read(ref _pending) != 0)
        {
            if (!spin.NextSpinWillYield)
            {
                spin.SpinOnce();
                continue;
            }

            lock (_chunkGate)
            {
                while (Volatile.Read(ref _pending) != 0)
                {
                    Monitor.Wait(_chunkGate);
                }
            }
        }
    }

    private void DrainChunks()
    {
        int c;
        while ((c = Interlocked.Increment(ref _nextChunk) - 1) < _chunkCount)
        {
            RunChunk(c);
            Complete();
        }
    }

    private void Complete()
    {
        if (Interlocked.Decrement(ref _pending) == 0)
        {
            lock (_chunkGate)
            {
                Monitor.PulseAll(_chunkGate);
            }
        }
    }

    private void RunChunk(int c)
    {
        int start = c * Chunk, length = Math.Min(Chunk, _chunkLength - start);
        ref ActivitySums sums = ref _chunkSums![c];
        sums = default;
        ActiveSlice(
            new ReadOnlySpan<float>(_chunkGradient + start, length),
            new ReadOnlySpan<float>(_chunkPrevious + start, length),
            new Span<float>(_chunkMean + start, length),
            _chunkSettings,
            _chunkWritesPrevious,
            ref sums);
    }

    private static double SumDouble(ReadOnlySpan<float> values)
    {
        double sum = 0;
        foreach (float v in values)
        {
            sum += v;
        }

        return sum;
    }

    private ActivityRecord ToRecord(in LayerActivity a) => new()
    {
        Run = _options.RunId,
        Step = _step,
        Epoch = _epoch,
        Layer = a.Name,
        Activity = a.Activity,
        MeanChange = a.MeanChange,
        ExcludedFraction = a.ExcludedFraction,
        NonFiniteCount = a.NonFiniteCount,
        GradientNorm = a.GradientNorm,
        WeightNorm = a.WeightNorm,
        UpdateNorm = a.UpdateNorm,
        Loss = _loss,
        LearningRate = a.LearningRate,
    };

    [DoesNotReturn]
    private static void ThrowInvalid(string message) => throw new InvalidOperationException(message);

    [DoesNotReturn]
    private void ThrowLength(int tensorIndex, int length, string what = "gradient") =>
        throw new ArgumentException(
            $"The {what} of '{_tensors[tensorIndex].Name}' has {length} values but its shape {TrackedTensor.FormatShape(_tensors[tensorIndex].Shape)} has {_tensors[tensorIndex].Length}.",
            what);

    /// <summary>Copies a tensor laid out as (outer, units, inner) into (units, outer, inner).</summary>
    private static void MoveUnitAxisFirst(ReadOnlySpan<float> source, Span<float> destination, int[] shape, int axis)
    {
        int outer = 1, inner = 1;
        for (int d = 0; d < axis; d++)
        {
            outer *= shape[d];
        }

        for (int d = axis + 1; d < shape.Length; d++)
        {
            inner *= shape[d];
        }

        int units = shape[axis];
        for (int o = 0; o < outer; o++)
        {
            for (int u = 0; u < units; u++)
            {
                source.Slice(((o * units) + u) * inner, inner).CopyTo(destination.Slice(((u * outer) + o) * inner, inner));
            }
        }
    }

    private float[] WeightBuffer(int tensorIndex, int length)
    {
        if (!WantsWeights)
        {
            ThrowInvalid("The tracker takes weights only after a step that produced activity with TrackWeightStatistics on; check WantsWeights first.");
        }

        ArgumentOutOfRangeException.ThrowIfNegative(tensorIndex);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(tensorIndex, _tensors.Length);
        if (_layerOfTensor[tensorIndex] < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(tensorIndex), tensorIndex, $"Tensor '{_tensors[tensorIndex].Name}' is in a layer that is not tracked.");
        }

        if (length != _tensors[tensorIndex].Length)
        {
            ThrowLength(tensorIndex, length, "weights");
        }

        return _weightsBefore![tensorIndex];
    }

    private sealed class LayerState(string name)
    {
        public string Name { get; } = name;

        public List<int> Tensors { get; } = [];

        public int ValueCount;
        public int UnitCount;
        public float[] Previous = [];
        public float[] Mean = [];
        public float[]? Grouped;
        public double MeanOfMean;
        public ActivitySums Sums;
        public double RawSquares;
        public long RawNonFinite;
        public bool External;
        public double[]? UnitSum;
        public long[]? UnitIncluded;
        public double[] UnitActivity = [];
        public double Activity = double.NaN;
        public double MeanChange = double.NaN;
        public double ExcludedFraction = double.NaN;
        public double WeightNorm = double.NaN;
        public double UpdateNorm = double.NaN;
        public double WeightSquares;
        public double UpdateSquares;
        public int WeightTensors;
        public double LearningRate = double.NaN;

        public LayerActivity ToActivity() => new(
            Name,
            Activity,
            MeanChange,
            ExcludedFraction,
            (int)Math.Min(int.MaxValue, Sums.NonFinite),
            Math.Sqrt(Sums.SumSquares),
            WeightNorm,
            UpdateNorm,
            LearningRate,
            ValueCount);
    }

    private sealed class ChunkWorker(GradientActivityTracker owner) : IThreadPoolWorkItem
    {
        public void Execute()
        {
            owner.DrainChunks();
            owner.Complete();
        }
    }

    private sealed class ClaimRelease(GradientActivityTracker owner) : IDisposable
    {
        private GradientActivityTracker? _owner = owner;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _owner, null) is { } tracker)
            {
                Volatile.Write(ref tracker._claimed, 0);
            }
        }
    }
}
