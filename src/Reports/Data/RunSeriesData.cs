using MLGradientInsight.Transforms.Activity;
using MLGradientInsight.Transforms.Store;

namespace MLGradientInsight.Reports.Data;

/// <summary>
/// A run's step data held as columns, read from the store and topped up incrementally while the run is written
/// (only rows from the last step read on are read again). Not thread-safe: callers serialise <see cref="Refresh"/>.
/// </summary>
internal sealed class RunSeriesData
{
    /// <summary>Activity columns: activity, excluded fraction, non-finite count.</summary>
    public const int ActivityColumn = 0, ExcludedColumn = 1, NonFiniteColumn = 2;

    /// <summary>Step columns: epoch, loss, learning rate, step milliseconds.</summary>
    public const int EpochColumn = 0, LossColumn = 1, LearningRateColumn = 2, StepMillisecondsColumn = 3;

    private readonly Dictionary<string, SeriesColumns> _layers = new(StringComparer.Ordinal);
    private readonly List<string> _layerOrder = [];

    /// <summary>Initializes an empty data set for a run.</summary>
    /// <param name="runId">The run id.</param>
    public RunSeriesData(string runId) => RunId = runId;

    /// <summary>Gets the run id.</summary>
    public string RunId { get; }

    /// <summary>Gets the run as last read.</summary>
    public RunInfo Run { get; private set; } = new();

    /// <summary>Gets the step rows (epoch, loss, learning rate, step ms).</summary>
    public SeriesColumns Steps { get; } = new(4);

    /// <summary>Gets the <c>network</c> activity rows, or null when the run has none.</summary>
    public SeriesColumns? Network => _layers.GetValueOrDefault(ActivityRecord.NetworkLayer);

    /// <summary>Gets the layer names (without <c>network</c>) in the order first written.</summary>
    public IEnumerable<string> LayerNames => _layerOrder.Where(l => l != ActivityRecord.NetworkLayer);

    /// <summary>Gets the epoch rows.</summary>
    public IReadOnlyList<EpochRecord> Epochs { get; private set; } = [];

    /// <summary>Gets the highest step read.</summary>
    public long LastStep => Math.Max(Steps.LastStep, _layers.Count == 0 ? 0 : _layers.Values.Max(l => l.LastStep));

    /// <summary>Gets the columns of one layer.</summary>
    /// <param name="layer">The layer name.</param>
    /// <returns>The columns.</returns>
    public SeriesColumns Layer(string layer) => _layers[layer];

    /// <summary>Reads what the store has added since the last call (the last step read is read again, in case it was incomplete).</summary>
    /// <param name="store">The store.</param>
    /// <exception cref="ArgumentException">The run no longer exists.</exception>
    public void Refresh(RunStore store)
    {
        Run = store.GetRun(RunId);
        long from = Math.Max(1, LastStep);
        Steps.TrimFrom(from);
        foreach (SeriesColumns layer in _layers.Values)
        {
            layer.TrimFrom(from);
        }

        Span<double> row = stackalloc double[4];
        foreach (StepRecord s in store.ReadSteps(RunId, from))
        {
            row[EpochColumn] = s.Epoch;
            row[LossColumn] = s.Loss;
            row[LearningRateColumn] = s.LearningRate;
            row[StepMillisecondsColumn] = s.StepMilliseconds;
            Steps.Add(s.Step, row);
        }

        foreach (ActivityRecord r in store.ReadActivity(RunId, from))
        {
            if (!_layers.TryGetValue(r.Layer, out SeriesColumns? columns))
            {
                columns = new SeriesColumns(3);
                _layers.Add(r.Layer, columns);
                _layerOrder.Add(r.Layer);
            }

            row[ActivityColumn] = r.Activity;
            row[ExcludedColumn] = r.ExcludedFraction;
            row[NonFiniteColumn] = r.NonFiniteCount;
            columns.Add(r.Step, row[..3]);
        }

        Epochs = store.ReadEpochs(RunId);
    }
}
