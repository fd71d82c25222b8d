using MLGradientInsight.Transforms.Activity;

namespace MLGradientInsight.ActivityClassifier.Traces;

/// <summary>Accumulates one run's rows (any order) and builds the aligned <see cref="RunTrace"/>.</summary>
internal sealed class RunTraceBuilder
{
    private readonly string _run;
    private readonly SortedDictionary<long, StepRow> _steps = [];
    private readonly List<string> _layers = [];
    private readonly Dictionary<string, int> _layerIndex = new(StringComparer.Ordinal);
    private int _replaced;

    public RunTraceBuilder(string run) => _run = run;

    public int StepCount => _steps.Count;

    public void Add(ActivityRecord r)
    {
        if (!_steps.TryGetValue(r.Step, out StepRow? row))
        {
            row = new StepRow();
            _steps.Add(r.Step, row);
        }

        if (double.IsFinite(r.Loss))
        {
            row.Loss = r.Loss;
        }
        else if (double.IsNaN(row.Loss) && !double.IsNaN(r.Loss))
        {
            row.Loss = r.Loss;
        }

        if (r.Layer == ActivityRecord.NetworkLayer)
        {
            _replaced += row.HasNetwork ? 1 : 0;
            row.HasNetwork = true;
            row.Activity = r.Activity;
            row.Excluded = r.ExcludedFraction;
            if (!double.IsNaN(r.LearningRate))
            {
                row.LearningRate = r.LearningRate;
            }

            return;
        }

        if (!_layerIndex.TryGetValue(r.Layer, out int index))
        {
            index = _layers.Count;
            _layers.Add(r.Layer);
            _layerIndex.Add(r.Layer, index);
        }

        if (double.IsNaN(row.LearningRate) && !double.IsNaN(r.LearningRate))
        {
            row.LearningRate = r.LearningRate;
        }

        _replaced += row.Layers.ContainsKey(index) ? 1 : 0;
        row.Layers[index] = (r.Activity, r.ExcludedFraction);
    }

    public RunTrace Build()
    {
        int n = _steps.Count;
        long[] steps = new long[n];
        double[] activity = new double[n], loss = new double[n], lr = new double[n], excluded = new double[n];
        double[][] layerActivity = [.. _layers.Select(_ => new double[n])];
        double[][] layerExcluded = [.. _layers.Select(_ => new double[n])];
        int i = 0;
        foreach ((long step, StepRow row) in _steps)
        {
            steps[i] = step;
            loss[i] = row.Loss;
            lr[i] = row.LearningRate;
            excluded[i] = row.Excluded;
            double sum = 0;
            int finite = 0;
            for (int l = 0; l < _layers.Count; l++)
            {
                (double a, double e) = row.Layers.TryGetValue(l, out var v) ? v : (double.NaN, double.NaN);
                layerActivity[l][i] = a;
                layerExcluded[l][i] = e;
                if (double.IsFinite(a))
                {
                    sum += a;
                    finite++;
                }
            }

            activity[i] = row.HasNetwork ? row.Activity : finite > 0 ? sum / finite : double.NaN;
            i++;
        }

        return new RunTrace(_run, steps, activity, loss, lr, excluded,
            [.. _layers.Select((name, l) => new LayerTrace(name, layerActivity[l], layerExcluded[l]))], _replaced);
    }

    private sealed class StepRow
    {
        public bool HasNetwork { get; set; }

        public double Activity { get; set; } = double.NaN;

        public double Excluded { get; set; } = double.NaN;

        public double Loss { get; set; } = double.NaN;

        public double LearningRate { get; set; } = double.NaN;

        public Dictionary<int, (double Activity, double Excluded)> Layers { get; } = [];
    }
}
