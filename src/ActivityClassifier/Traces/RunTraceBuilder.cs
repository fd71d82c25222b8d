using MLGradientInsight.Transforms.Activity;

namespace MLGradientInsight.ActivityClassifier.Traces;

/// <summary>
/// Accumulates one run's rows (any order) in growing columns and builds the aligned <see cref="RunTrace"/>. Rows of a
/// live run arrive in step order, so <see cref="Build"/> is a copy of the columns; out-of-order steps are sorted then.
/// </summary>
internal sealed class RunTraceBuilder
{
    private readonly string _run;
    private readonly Dictionary<long, int> _rowOfStep = [];
    private readonly List<long> _steps = [];
    private readonly List<double> _network = [], _networkExcluded = [], _loss = [], _learningRate = [];
    private readonly List<bool> _hasNetwork = [];
    private readonly List<string> _layers = [];
    private readonly Dictionary<string, int> _layerIndex = new(StringComparer.Ordinal);
    private readonly List<List<double>> _layerActivity = [], _layerExcluded = [], _layerGradient = [], _layerWeight = [], _layerUpdate = [];
    private bool _sorted = true;
    private int _replaced;

    public RunTraceBuilder(string run) => _run = run;

    public int StepCount => _steps.Count;

    public void Add(ActivityRecord r)
    {
        if (!_rowOfStep.TryGetValue(r.Step, out int row))
        {
            row = _steps.Count;
            _sorted &= row == 0 || r.Step > _steps[row - 1];
            _rowOfStep.Add(r.Step, row);
            _steps.Add(r.Step);
            _network.Add(double.NaN);
            _networkExcluded.Add(double.NaN);
            _loss.Add(double.NaN);
            _learningRate.Add(double.NaN);
            _hasNetwork.Add(false);
            foreach (List<double> column in LayerColumns())
            {
                column.Add(double.NaN);
            }
        }

        if (double.IsFinite(r.Loss) || (double.IsNaN(_loss[row]) && !double.IsNaN(r.Loss)))
        {
            _loss[row] = r.Loss;
        }

        if (r.Layer == ActivityRecord.NetworkLayer)
        {
            _replaced += _hasNetwork[row] ? 1 : 0;
            _hasNetwork[row] = true;
            _network[row] = r.Activity;
            _networkExcluded[row] = r.ExcludedFraction;
            if (!double.IsNaN(r.LearningRate))
            {
                _learningRate[row] = r.LearningRate;
            }

            return;
        }

        if (!_layerIndex.TryGetValue(r.Layer, out int index))
        {
            index = _layers.Count;
            _layers.Add(r.Layer);
            _layerIndex.Add(r.Layer, index);
            foreach (List<List<double>> columns in new[] { _layerActivity, _layerExcluded, _layerGradient, _layerWeight, _layerUpdate })
            {
                columns.Add([.. Enumerable.Repeat(double.NaN, _steps.Count)]);
            }
        }

        if (double.IsNaN(_learningRate[row]) && !double.IsNaN(r.LearningRate))
        {
            _learningRate[row] = r.LearningRate;
        }

        // A repeated (step, layer) row replaces the earlier one (a restart that re-used step numbers).
        _replaced += double.IsNaN(_layerActivity[index][row]) && double.IsNaN(_layerExcluded[index][row]) ? 0 : 1;
        _layerActivity[index][row] = r.Activity;
        _layerExcluded[index][row] = r.ExcludedFraction;
        _layerGradient[index][row] = r.GradientNorm;
        _layerWeight[index][row] = r.WeightNorm;
        _layerUpdate[index][row] = r.UpdateNorm;
    }

    public RunTrace Build()
    {
        int n = _steps.Count;
        int[] order = [.. Enumerable.Range(0, n)];
        if (!_sorted)
        {
            long[] keys = [.. _steps];
            Array.Sort(keys, order);
        }

        double[] activity = new double[n];
        double[][] layers = [.. _layerActivity.Select(c => Gather(c, order))];
        for (int i = 0; i < n; i++)
        {
            int row = order[i];
            if (_hasNetwork[row])
            {
                activity[i] = _network[row];
                continue;
            }

            // No network row: the mean of the finite layer activities.
            double sum = 0;
            int finite = 0;
            foreach (double[] layer in layers)
            {
                if (double.IsFinite(layer[i]))
                {
                    sum += layer[i];
                    finite++;
                }
            }

            activity[i] = finite > 0 ? sum / finite : double.NaN;
        }

        long[] steps = new long[n];
        for (int i = 0; i < n; i++)
        {
            steps[i] = _steps[order[i]];
        }

        return new RunTrace(_run, steps, activity, Gather(_loss, order), Gather(_learningRate, order), Gather(_networkExcluded, order),
            [.. _layers.Select((name, l) => new LayerTrace(name, layers[l], Gather(_layerExcluded[l], order),
                Gather(_layerGradient[l], order), Gather(_layerWeight[l], order), Gather(_layerUpdate[l], order)))], _replaced);
    }

    private IEnumerable<List<double>> LayerColumns() => [.. _layerActivity, .. _layerExcluded, .. _layerGradient, .. _layerWeight, .. _layerUpdate];

    private static double[] Gather(List<double> column, int[] order)
    {
        double[] result = new double[order.Length];
        for (int i = 0; i < order.Length; i++)
        {
            result[i] = column[order[i]];
        }

        return result;
    }
}
