using MLGradientInsight.ActivityClassifier.Actions;
using MLGradientInsight.ActivityClassifier.Features;
using MLGradientInsight.ActivityClassifier.Shapes;
using MLGradientInsight.ActivityClassifier.Traces;
using MLGradientInsight.Transforms.Activity;

namespace MLGradientInsight.ActivityClassifier.Diagnosis;

/// <summary>
/// The live advisor's view of a run: growing columns (amortised, no allocation per row) and, per evaluation, exactly the
/// windows <see cref="TraceWindower"/> would cut from the whole trace so far — built from the rows they cover only.
/// </summary>
/// <remarks>
/// An evaluation reads the last window (≤ <see cref="TraceWindower.MaximumLength"/> steps, every series), the run's first
/// window (the same bound, for the start levels) and the whole-run window (network only, ≤
/// <see cref="TraceWindower.WholeRunMaximumValues"/> values read with a stride); the whole-run per-layer medians that the
/// whole-run window carries are kept incrementally in two heaps per layer (O(log n) per row). So an evaluation costs
/// O(window × series + 2048), not O(steps × series), and gives the same windows (hence features, shapes and actions) as
/// <see cref="TraceWindower"/> on <see cref="RunTrace.Prefix"/>; the equivalence is tested. Rows for an earlier step
/// (out of order, or a step recorded twice) are merged as <see cref="RunTrace.FromRecords"/> merges them; they make the
/// next evaluation rebuild the heaps (O(n log n), once).
/// </remarks>
internal sealed class LiveTrace
{
    private const int InitialCapacity = 1024;
    private readonly string _run;
    private readonly List<string> _layerNames = [];
    private readonly Dictionary<string, int> _layerIndex = new(StringComparer.Ordinal);
    private readonly List<double[]> _layerActivity = [], _layerExcluded = [], _layerGradient = [], _layerWeight = [], _layerUpdate = [];
    private readonly List<RunningMedian> _wholeMedians = [];
    private long[] _steps = new long[InitialCapacity];
    private double[] _network = new double[InitialCapacity], _networkExcluded = new double[InitialCapacity];
    private double[] _loss = new double[InitialCapacity], _learningRate = new double[InitialCapacity];
    private bool[] _hasNetwork = new bool[InitialCapacity];
    private int _count;
    private int _origin = -1, _originScanned, _inserted;
    private bool _dirty;
    private StartLevels? _start;

    public LiveTrace(string run) => _run = run;

    /// <summary>Gets the number of recorded steps.</summary>
    public int Count => _count;

    /// <summary>Adds one row at <paramref name="step"/> (the row's own step is not read).</summary>
    public void Add(ActivityRecord r, long step)
    {
        int row = RowOf(step);
        if (double.IsFinite(r.Loss) || (double.IsNaN(_loss[row]) && !double.IsNaN(r.Loss)))
        {
            _loss[row] = r.Loss;
        }

        if (r.Layer == ActivityRecord.NetworkLayer)
        {
            SetNetwork(row, r.Activity, r.ExcludedFraction, r.LearningRate);
            return;
        }

        if (double.IsNaN(_learningRate[row]) && !double.IsNaN(r.LearningRate))
        {
            _learningRate[row] = r.LearningRate;
        }

        int layer = LayerIndex(r.Layer);
        _layerActivity[layer][row] = r.Activity;
        _layerExcluded[layer][row] = r.ExcludedFraction;
        _layerGradient[layer][row] = r.GradientNorm;
        _layerWeight[layer][row] = r.WeightNorm;
        _layerUpdate[layer][row] = r.UpdateNorm;
        Touched(row);
    }

    /// <summary>Appends row <paramref name="row"/> of <paramref name="trace"/> (the online replay of a whole trace).</summary>
    public void Append(RunTrace trace, int row)
    {
        int r = RowOf(trace.Steps[row]);
        _loss[r] = trace.Loss[row];
        _learningRate[r] = trace.LearningRate[row];
        for (int l = 0; l < trace.Layers.Count; l++)
        {
            int layer = LayerIndex(trace.Layers[l].Name);
            _layerActivity[layer][r] = trace.Layers[l].Activity[row];
            _layerExcluded[layer][r] = trace.Layers[l].ExcludedFraction[row];
            _layerGradient[layer][r] = trace.Layers[l].GradientNorm[row];
            _layerWeight[layer][r] = trace.Layers[l].WeightNorm[row];
            _layerUpdate[layer][r] = trace.Layers[l].UpdateNorm[row];
        }

        // The trace's network activity is already the mean of the layers where it had no network row.
        SetNetwork(r, trace.Activity[row], trace.ExcludedFraction[row], trace.LearningRate[row]);
    }

    /// <summary>The snapshot <see cref="RunSnapshot.Create"/> would make of the trace so far (null before finite network activity).</summary>
    public RunSnapshot? Snapshot(ShapeModel shapes) => LastWindows() is { } cut ? RunSnapshot.FromWindows(cut.Last, cut.Whole, shapes) : null;

    /// <summary>
    /// The windows of <see cref="Snapshot"/>, not yet featurised or classified: the last window of each series (network first)
    /// and the whole-run window; null before finite network activity.
    /// </summary>
    public (TraceWindow[] Last, TraceWindow Whole)? LastWindows()
    {
        int origin = Origin();
        if (origin < 0)
        {
            return null;
        }

        UpdateWholeMedians(origin);
        long first = _steps[origin], last = _steps[_count - 1];
        int length = TraceWindower.WindowLength(last - first + 1);
        (int fs, int fe) = last - first + 1 <= length ? (origin, _count) : (LowerBound(first), LowerBound(first + length));
        (int ls, int le) = last - first + 1 <= length ? (origin, _count) : (LowerBound(last - length + 1), _count);
        StartLevels start = Start(fs, fe);
        float[] levels = Levels(ls, le);
        var windows = new TraceWindow[_layerNames.Count + 1];
        for (int s = -1; s < _layerNames.Count; s++)
        {
            windows[s + 1] = Window(s, ls, le, levels, start, start.Activity[s + 1]);
        }

        int stride = (int)Math.Ceiling((_count - origin) / (double)TraceWindower.WholeRunMaximumValues);
        TraceWindow whole = Window(-1, origin, _count, [.. _wholeMedians.Select(m => m.Median)], start, start.Activity[0], stride);
        return (windows, whole);
    }

    /// <summary>
    /// The start levels of <see cref="ComputeStart"/>, kept from the last evaluation while the first window is the same rows:
    /// a change to any row an evaluation has read marks the trace dirty (<see cref="Touched"/>), which drops them.
    /// </summary>
    private StartLevels Start(int start, int end)
    {
        if (_start is not { } cached || cached.Begin != start || cached.End != end)
        {
            _start = ComputeStart(start, end);
        }

        return _start;
    }

    /// <summary>
    /// The start levels: the medians of every series (network first), of the loss, and of each layer's gradient norm, weight norm
    /// and update-to-weight ratio over the first window, rows [start, end).
    /// </summary>
    private StartLevels ComputeStart(int start, int end)
    {
        float[] activity = new float[_layerNames.Count + 1];
        for (int s = -1; s < _layerNames.Count; s++)
        {
            activity[s + 1] = Median(Series(s), start, end);
        }

        var norms = new (float Gradient, float Weight, float Ratio)[_layerNames.Count];
        for (int l = 0; l < _layerNames.Count; l++)
        {
            norms[l] = NormFeatures.StartNorms(Slice(_layerGradient[l], start, end), Slice(_layerWeight[l], start, end), Slice(_layerUpdate[l], start, end));
        }

        return new StartLevels(start, end, activity, Median(_loss, start, end), norms);
    }

    /// <summary>Every layer's median activity over rows [start, end), in layer order.</summary>
    private float[] Levels(int start, int end) => [.. _layerActivity.Select(a => Median(a, start, end))];

    private TraceWindow Window(int series, int start, int end, float[] levels, StartLevels first, float startLevel, int stride = 1)
    {
        double[]? activity = series < 0 ? null : _layerActivity[series];
        double[] excluded = series < 0 ? _networkExcluded : _layerExcluded[series];

        // Keep the last row (the newest step) and every stride-th one before it, as TraceWindower does.
        int n = ((end - start - 1) / stride) + 1;
        var window = new TraceWindow
        {
            Run = _run,
            Layer = series < 0 ? ActivityRecord.NetworkLayer : _layerNames[series],
            StartStep = _steps[start],
            EndStep = _steps[end - 1],
            Activity = new float[n],
            Loss = new float[n],
            LearningRate = new float[n],
            ExcludedFraction = new float[n],
            LayerLevels = levels,
            StartActivityLevel = startLevel,
            StartLossLevel = first.Loss,
            IsNetwork = series < 0,
        };
        for (int i = 0; i < n; i++)
        {
            int row = end - 1 - ((n - 1 - i) * stride);
            window.Activity[i] = (float)(activity is null ? NetworkActivity(row) : activity[row]);
            window.Loss[i] = (float)_loss[row];
            window.LearningRate[i] = (float)_learningRate[row];
            window.ExcludedFraction[i] = (float)excluded[row];
        }

        if (series >= 0)
        {
            window.GradientNorm = Strided(_layerGradient[series], start, end, stride);
            window.WeightNorm = Strided(_layerWeight[series], start, end, stride);
            window.UpdateNorm = Strided(_layerUpdate[series], start, end, stride);
            (window.StartGradientNorm, window.StartWeightNorm, window.StartUpdateRatio) = first.Norms[series];
        }

        return window;
    }

    private float Median(double[]? values, int start, int end)
    {
        float[] slice = new float[end - start];
        for (int i = 0; i < slice.Length; i++)
        {
            slice[i] = (float)(values is null ? NetworkActivity(start + i) : values[start + i]);
        }

        return (float)RobustStatistics.FiniteMedian(slice);
    }

    /// <summary>Rows [start, end) of <paramref name="values"/>: the last one and every stride-th one before it.</summary>
    private static float[] Strided(double[] values, int start, int end, int stride)
    {
        float[] kept = new float[((end - start - 1) / stride) + 1];
        for (int i = 0; i < kept.Length; i++)
        {
            kept[i] = (float)values[end - 1 - ((kept.Length - 1 - i) * stride)];
        }

        return kept;
    }

    private static float[] Slice(double[] values, int start, int end)
    {
        float[] slice = new float[end - start];
        for (int i = 0; i < slice.Length; i++)
        {
            slice[i] = (float)values[start + i];
        }

        return slice;
    }

    private double[]? Series(int series) => series < 0 ? null : _layerActivity[series];

    /// <summary>The network activity of a row: its network row, else the mean of its finite layer activities (as <see cref="RunTraceBuilder"/>).</summary>
    private double NetworkActivity(int row)
    {
        if (_hasNetwork[row])
        {
            return _network[row];
        }

        double sum = 0;
        int finite = 0;
        foreach (double[] layer in _layerActivity)
        {
            if (double.IsFinite(layer[row]))
            {
                sum += layer[row];
                finite++;
            }
        }

        return finite > 0 ? sum / finite : double.NaN;
    }

    private void SetNetwork(int row, double activity, double excluded, double learningRate)
    {
        _hasNetwork[row] = true;
        _network[row] = activity;
        _networkExcluded[row] = excluded;
        if (!double.IsNaN(learningRate))
        {
            _learningRate[row] = learningRate;
        }

        Touched(row);
    }

    /// <summary>A row already counted (origin scan or whole-run medians) changed: recompute those on the next evaluation.</summary>
    private void Touched(int row) => _dirty |= row < _inserted || row < _originScanned;

    private int Origin()
    {
        if (_dirty)
        {
            _dirty = false;
            _start = null;
            _origin = -1;
            _originScanned = _inserted = 0;
            foreach (RunningMedian m in _wholeMedians)
            {
                m.Clear();
            }
        }

        // Rows before the last are complete in step-ordered input; the last row is scanned again until it is followed.
        while (_origin < 0 && _originScanned < _count)
        {
            if (double.IsFinite(NetworkActivity(_originScanned)))
            {
                _origin = _originScanned;
            }

            _originScanned++;
        }

        _originScanned = Math.Min(_originScanned, _count - 1);
        return _origin;
    }

    private void UpdateWholeMedians(int origin)
    {
        _inserted = Math.Max(_inserted, origin);
        for (; _inserted < _count; _inserted++)
        {
            for (int l = 0; l < _wholeMedians.Count; l++)
            {
                _wholeMedians[l].Add((float)_layerActivity[l][_inserted]);
            }
        }
    }

    private int RowOf(long step)
    {
        if (_count > 0 && _steps[_count - 1] == step)
        {
            return _count - 1;
        }

        if (_count == 0 || step > _steps[_count - 1])
        {
            EnsureCapacity(_count + 1);
            InitializeRow(_count, step);
            return _count++;
        }

        // An earlier step: merge into its row, or insert a row there (rare: input out of step order).
        int i = Array.BinarySearch(_steps, 0, _count, step);
        if (i >= 0)
        {
            return i;
        }

        i = ~i;
        EnsureCapacity(_count + 1);
        foreach (Array column in Columns())
        {
            Array.Copy(column, i, column, i + 1, _count - i);
        }

        InitializeRow(i, step);
        _count++;
        _dirty = true;
        return i;
    }

    private void InitializeRow(int row, long step)
    {
        _steps[row] = step;
        _network[row] = _networkExcluded[row] = _loss[row] = _learningRate[row] = double.NaN;
        _hasNetwork[row] = false;
        for (int l = 0; l < _layerActivity.Count; l++)
        {
            _layerActivity[l][row] = _layerExcluded[l][row] = _layerGradient[l][row] = _layerWeight[l][row] = _layerUpdate[l][row] = double.NaN;
        }
    }

    private IEnumerable<Array> Columns() => [_steps, _network, _networkExcluded, _loss, _learningRate, _hasNetwork, .. LayerColumns().SelectMany(c => c)];

    private IEnumerable<List<double[]>> LayerColumns() => [_layerActivity, _layerExcluded, _layerGradient, _layerWeight, _layerUpdate];

    private void EnsureCapacity(int count)
    {
        if (count <= _steps.Length)
        {
            return;
        }

        int capacity = 2 * _steps.Length;
        Array.Resize(ref _steps, capacity);
        Array.Resize(ref _network, capacity);
        Array.Resize(ref _networkExcluded, capacity);
        Array.Resize(ref _loss, capacity);
        Array.Resize(ref _learningRate, capacity);
        Array.Resize(ref _hasNetwork, capacity);
        foreach (List<double[]> columns in LayerColumns())
        {
            for (int l = 0; l < columns.Count; l++)
            {
                columns[l] = Grow(columns[l], capacity);
            }
        }
    }

    private static double[] Grow(double[] column, int capacity)
    {
        double[] grown = new double[capacity];
        column.CopyTo(grown, 0);
        return grown;
    }

    private int LayerIndex(string name)
    {
        if (_layerIndex.TryGetValue(name, out int index))
        {
            return index;
        }

        index = _layerNames.Count;
        _layerNames.Add(name);
        _layerIndex.Add(name, index);
        foreach (List<double[]> columns in LayerColumns())
        {
            double[] column = new double[_steps.Length];
            Array.Fill(column, double.NaN);
            columns.Add(column);
        }

        _wholeMedians.Add(new RunningMedian());

        // A layer first seen late changes the earlier rows' derived network activity and medians: recount.
        _dirty |= _inserted > 0 || _originScanned > 0;
        return index;
    }

    private int LowerBound(long step)
    {
        int i = Array.BinarySearch(_steps, 0, _count, step);
        return i >= 0 ? i : ~i;
    }

    /// <summary>The medians of the first window's rows [Begin, End): per series (network first) and of the loss.</summary>
    private sealed record StartLevels(int Begin, int End, float[] Activity, float Loss, (float Gradient, float Weight, float Ratio)[] Norms);

    /// <summary>The median of the finite values added (NaN when none), by two heaps: the same value as <see cref="RobustStatistics.FiniteMedian"/>.</summary>
    private sealed class RunningMedian
    {
        private readonly PriorityQueue<float, float> _lower = new(Comparer<float>.Create((a, b) => b.CompareTo(a)));
        private readonly PriorityQueue<float, float> _upper = new();

        public float Median => _lower.Count == 0 ? float.NaN
            : (float)(_lower.Count > _upper.Count ? _lower.Peek() : 0.5 * ((double)_lower.Peek() + _upper.Peek()));

        public void Add(float value)
        {
            if (!float.IsFinite(value))
            {
                return;
            }

            if (_lower.Count == 0 || value <= _lower.Peek())
            {
                _lower.Enqueue(value, value);
            }
            else
            {
                _upper.Enqueue(value, value);
            }

            if (_lower.Count > _upper.Count + 1)
            {
                float v = _lower.Dequeue();
                _upper.Enqueue(v, v);
            }
            else if (_upper.Count > _lower.Count)
            {
                float v = _upper.Dequeue();
                _lower.Enqueue(v, v);
            }
        }

        public void Clear()
        {
            _lower.Clear();
            _upper.Clear();
        }
    }
}
