using MLGradientInsight.ActivityClassifier.Actions;
using MLGradientInsight.ActivityClassifier.Traces;
using MLGradientInsight.Transforms.Activity;

namespace MLGradientInsight.ActivityClassifier.Features;

/// <summary>
/// Cuts a <see cref="RunTrace"/> into windows. The window length is relative to the run and bounded in absolute steps:
/// <c>W = clamp(round(S / 8), 50, 1000)</c> steps, S = steps from the first finite network activity to the last recorded
/// step; windows start every W/2 steps and the last one ends at the last step (a run shorter than 50 steps is one window).
/// Leading rows without a finite network activity (the tracker's warm-up) are skipped.
/// </summary>
public static class TraceWindower
{
    /// <summary>The run length is divided by this to get the window length.</summary>
    public const int RelativeDivisor = 8;

    /// <summary>The shortest window, in steps.</summary>
    public const int MinimumLength = 50;

    /// <summary>The longest window, in steps.</summary>
    public const int MaximumLength = 1000;

    /// <summary>The window length for a run of <paramref name="span"/> steps.</summary>
    /// <param name="span">The run's length in steps.</param>
    /// <returns><c>clamp(round(span / 8), 50, 1000)</c>.</returns>
    public static int WindowLength(long span) => (int)Math.Clamp((long)Math.Round(span / (double)RelativeDivisor), MinimumLength, MaximumLength);

    /// <summary>Every window of the network and of every layer (network first, then layers in trace order, per window).</summary>
    /// <param name="trace">The trace.</param>
    /// <returns>The windows (none when the trace has no finite network activity).</returns>
    /// <exception cref="ArgumentNullException"><paramref name="trace"/> is null.</exception>
    public static IEnumerable<TraceWindow> Windows(RunTrace trace)
    {
        ArgumentNullException.ThrowIfNull(trace);
        var context = new WindowContext(trace);
        foreach ((int start, int end) in context.Ranges)
        {
            // The layers' levels are the same for every series of a range: taken once, not once per series (a 100,000-step,
            // 20-layer trace has 200 ranges × 21 series; 84,000 medians of up to 1,000 values took seconds).
            float[] levels = context.Levels(start, end);
            for (int series = -1; series < trace.Layers.Count; series++)
            {
                yield return context.Create(series, start, end, levels);
            }
        }
    }

    /// <summary>The last window of each series (network first), as an online advisor sees the run now.</summary>
    /// <param name="trace">The trace (or a prefix of it).</param>
    /// <returns>The windows; empty when there is no finite network activity yet.</returns>
    public static IReadOnlyList<TraceWindow> LastWindows(RunTrace trace)
    {
        ArgumentNullException.ThrowIfNull(trace);
        var context = new WindowContext(trace);
        if (context.Ranges.Count == 0)
        {
            return [];
        }

        (int start, int end) = context.Ranges[^1];
        float[] levels = context.Levels(start, end);
        return [.. Enumerable.Range(-1, trace.Layers.Count + 1).Select(s => context.Create(s, start, end, levels))];
    }

    /// <summary>The most values a whole-run window holds; longer runs are subsampled evenly (every k-th step).</summary>
    public const int WholeRunMaximumValues = 2048;

    /// <summary>One window over the whole run (from the first finite network activity), network only; runs longer than
    /// <see cref="WholeRunMaximumValues"/> recorded steps are subsampled evenly.</summary>
    /// <param name="trace">The trace.</param>
    /// <returns>The window, or null when there is no finite network activity.</returns>
    public static TraceWindow? WholeRun(RunTrace trace)
    {
        ArgumentNullException.ThrowIfNull(trace);
        var context = new WindowContext(trace);
        if (context.Ranges.Count == 0)
        {
            return null;
        }

        int stride = (int)Math.Ceiling((trace.Count - context.Origin) / (double)WholeRunMaximumValues);
        return context.Create(-1, context.Origin, trace.Count, stride: stride);
    }

    /// <summary>The row index ranges [start, end) of the windows of <paramref name="trace"/>.</summary>
    /// <param name="trace">The trace.</param>
    /// <returns>The ranges, in step order.</returns>
    internal static IReadOnlyList<(int Start, int End)> Ranges(RunTrace trace) => new WindowContext(trace).Ranges;

    private sealed class WindowContext
    {
        private readonly RunTrace _trace;
        private readonly long[] _steps;
        private readonly float[] _startLevels;
        private readonly (float Gradient, float Weight, float Ratio)[] _startNorms;
        private readonly float _startLoss;

        public WindowContext(RunTrace trace)
        {
            _trace = trace;
            _steps = [.. trace.Steps];
            int origin = 0;
            while (origin < trace.Count && !double.IsFinite(trace.Activity[origin]))
            {
                origin++;
            }

            Origin = origin;
            Ranges = origin == trace.Count ? [] : ComputeRanges(origin);
            _startLevels = new float[trace.Layers.Count + 1];
            _startNorms = new (float, float, float)[trace.Layers.Count];
            Array.Fill(_startNorms, (float.NaN, float.NaN, float.NaN));
            if (Ranges.Count > 0)
            {
                (int s, int e) = Ranges[0];
                for (int series = -1; series < trace.Layers.Count; series++)
                {
                    _startLevels[series + 1] = Median(Series(series), s, e);
                }

                for (int l = 0; l < trace.Layers.Count; l++)
                {
                    LayerTrace layer = trace.Layers[l];
                    _startNorms[l] = NormFeatures.StartNorms(Slice(layer.GradientNorm, s, e - s), Slice(layer.WeightNorm, s, e - s), Slice(layer.UpdateNorm, s, e - s));
                }

                _startLoss = Median(trace.Loss, s, e);
            }
        }

        public int Origin { get; }

        public IReadOnlyList<(int Start, int End)> Ranges { get; }

        /// <summary>Every layer's median activity over rows [start, end), in layer order.</summary>
        public float[] Levels(int start, int end) => [.. _trace.Layers.Select(l => Median(l.Activity, start, end))];

        /// <summary>The window of a series (−1: the network) over rows [start, end); <paramref name="levels"/>: <see cref="Levels"/> of the same rows, when known.</summary>
        public TraceWindow Create(int series, int start, int end, float[]? levels = null, int stride = 1)
        {
            int n = end - start;
            if (stride > 1)
            {
                TraceWindow full = Create(series, start, end, levels);
                full.Activity = Every(full.Activity, stride);
                full.Loss = Every(full.Loss, stride);
                full.LearningRate = Every(full.LearningRate, stride);
                full.ExcludedFraction = Every(full.ExcludedFraction, stride);
                full.GradientNorm = Every(full.GradientNorm, stride);
                full.WeightNorm = Every(full.WeightNorm, stride);
                full.UpdateNorm = Every(full.UpdateNorm, stride);
                return full;
            }

            var window = new TraceWindow
            {
                Run = _trace.Run,
                Layer = series < 0 ? ActivityRecord.NetworkLayer : _trace.Layers[series].Name,
                StartStep = _steps[start],
                EndStep = _steps[end - 1],
                Activity = Slice(Series(series), start, n),
                Loss = Slice(_trace.Loss, start, n),
                LearningRate = Slice(_trace.LearningRate, start, n),
                ExcludedFraction = Slice(series < 0 ? _trace.ExcludedFraction : _trace.Layers[series].ExcludedFraction, start, n),
                LayerLevels = levels ?? Levels(start, end),
                StartActivityLevel = _startLevels[series + 1],
                StartLossLevel = _startLoss,
                IsNetwork = series < 0,
            };
            if (series >= 0)
            {
                LayerTrace layer = _trace.Layers[series];
                window.GradientNorm = Slice(layer.GradientNorm, start, n);
                window.WeightNorm = Slice(layer.WeightNorm, start, n);
                window.UpdateNorm = Slice(layer.UpdateNorm, start, n);
                (window.StartGradientNorm, window.StartWeightNorm, window.StartUpdateRatio) = _startNorms[series];
            }

            return window;
        }

        private static float[] Every(float[] values, int stride)
        {
            if (values.Length == 0)
            {
                return values;
            }

            // Keep the last value (the newest step) and every stride-th one before it.
            int count = ((values.Length - 1) / stride) + 1;
            float[] result = new float[count];
            for (int i = 0; i < count; i++)
            {
                result[count - 1 - i] = values[values.Length - 1 - (i * stride)];
            }

            return result;
        }

        private static float Median(IReadOnlyList<double> values, int start, int end)
        {
            float[] slice = Slice(values, start, end - start);
            return (float)RobustStatistics.FiniteMedian(slice);
        }

        private static float[] Slice(IReadOnlyList<double> values, int start, int count)
        {
            float[] result = new float[count];
            for (int i = 0; i < count; i++)
            {
                result[i] = (float)values[start + i];
            }

            return result;
        }

        private IReadOnlyList<double> Series(int series) => series < 0 ? _trace.Activity : _trace.Layers[series].Activity;

        private List<(int, int)> ComputeRanges(int origin)
        {
            long first = _steps[origin], last = _steps[^1];
            int length = WindowLength(last - first + 1);
            var ranges = new List<(int, int)>();
            if (last - first + 1 <= length)
            {
                ranges.Add((origin, _steps.Length));
                return ranges;
            }

            long stride = length / 2;
            long startStep = first;
            for (; startStep + length - 1 <= last; startStep += stride)
            {
                ranges.Add(RowRange(startStep, startStep + length - 1));
            }

            if (startStep - stride + length - 1 < last)
            {
                ranges.Add(RowRange(last - length + 1, last));
            }

            ranges.RemoveAll(r => r.Item2 <= r.Item1);
            return ranges;
        }

        private (int, int) RowRange(long firstStep, long lastStep)
        {
            int start = LowerBound(firstStep);
            int end = LowerBound(lastStep + 1);
            return (start, end);
        }

        private int LowerBound(long step)
        {
            int i = Array.BinarySearch(_steps, step);
            return i >= 0 ? i : ~i;
        }
    }
}
