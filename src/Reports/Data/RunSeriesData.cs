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

    /// <summary>The activity columns the charts draw (step and layer come with every row).</summary>
    private static readonly int[] s_readColumns = [ActivityColumns.Activity, ActivityColumns.ExcludedFraction, ActivityColumns.NonFiniteCount];

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

    /// <summary>
    /// Reads what the store has added since the last call. Steps and every layer are topped up from their own last
    /// step (read again, in case it was incomplete), so tables written at different paces never leave gaps. A refresh
    /// after the first costs four small queries whatever the number of layers.
    /// </summary>
    /// <param name="store">The store.</param>
    /// <exception cref="ArgumentException">The run no longer exists.</exception>
    public void Refresh(RunStore store)
    {
        Run = store.GetRun(RunId);
        long from = Math.Max(1, Steps.LastStep);
        Steps.TrimFrom(from);
        Span<double> row = stackalloc double[4];
        foreach (StepRecord s in store.ReadSteps(RunId, from))
        {
            row[EpochColumn] = s.Epoch;
            row[LossColumn] = s.Loss;
            row[LearningRateColumn] = s.LearningRate;
            row[StepMillisecondsColumn] = s.StepMilliseconds;
            Steps.Add(s.Step, row);
        }

        if (_layers.Count == 0)
        {
            // The first read: the layers in their listed order, then one pass over the run's (run, step, layer) key for the
            // three columns drawn (layer by layer through the (run, layer, step) index took twice the time).
            foreach (string layer in store.ReadLayers(RunId))
            {
                Columns(layer);
            }

            foreach (ActivityRecord r in store.ReadActivity(RunId, 1, s_readColumns))
            {
                AddActivity(r);
            }
        }
        else
        {
            // Later reads: one range scan of the (run, step, layer) key from the earliest layer's last step; each layer
            // takes the rows from its own last step on (read again, in case it was incomplete), and a layer that appears
            // now is added. The layer list is the one kept from before, so no query lists the layers again.
            var layerStart = new Dictionary<string, long>(_layers.Count, StringComparer.Ordinal);
            foreach ((string layer, SeriesColumns columns) in _layers)
            {
                long layerFrom = Math.Max(1, columns.LastStep);
                columns.TrimFrom(layerFrom);
                layerStart.Add(layer, layerFrom);
            }

            foreach (ActivityRecord r in store.ReadActivity(RunId, layerStart.Values.Min(), s_readColumns))
            {
                if (!layerStart.TryGetValue(r.Layer, out long layerFrom) || r.Step >= layerFrom)
                {
                    AddActivity(r);
                }
            }
        }

        Epochs = store.ReadEpochs(RunId);
    }

    /// <summary>Makes the data of an in-memory trace (no store): activity rows as given, steps from the network rows' loss and learning rate.</summary>
    /// <param name="name">The name to show.</param>
    /// <param name="trace">Activity rows in step order.</param>
    /// <returns>The data.</returns>
    public static RunSeriesData FromTrace(string name, IEnumerable<ActivityRecord> trace)
    {
        var data = new RunSeriesData(name);
        Span<double> row = stackalloc double[4];
        foreach (ActivityRecord r in trace)
        {
            data.AddActivity(r);
            if (r.Layer == ActivityRecord.NetworkLayer && r.Step > data.Steps.LastStep)
            {
                row[EpochColumn] = r.Epoch;
                row[LossColumn] = r.Loss;
                row[LearningRateColumn] = r.LearningRate;
                row[StepMillisecondsColumn] = double.NaN;
                data.Steps.Add(r.Step, row);
            }
        }

        data.Run = new RunInfo { Id = name, Name = name, Status = RunStatus.Completed, StepCount = data.Steps.Count };
        return data;
    }

    private void AddActivity(ActivityRecord r)
    {
        ReadOnlySpan<double> row = [r.Activity, r.ExcludedFraction, r.NonFiniteCount];
        Columns(r.Layer).Add(r.Step, row);
    }

    /// <summary>The columns of a layer, added (last in the layer order) when new.</summary>
    private SeriesColumns Columns(string layer)
    {
        if (!_layers.TryGetValue(layer, out SeriesColumns? columns))
        {
            columns = new SeriesColumns(3);
            _layers.Add(layer, columns);
            _layerOrder.Add(layer);
        }

        return columns;
    }
}
