using Microsoft.ML;
using Microsoft.ML.Data;
using MLGradientInsight.Transforms.Activity;
using MLGradientInsight.Transforms.Store;
using MLGradientInsight.Transforms.Traces;

namespace MLGradientInsight.Transforms.DataView;

/// <summary>
/// An activity trace as an ML.NET <see cref="IDataView"/> (long form: one row per step and layer, the
/// <c>network</c> row first), with the columns of <see cref="ActivityColumns"/> (<c>run</c>, <c>step</c>,
/// <c>epoch</c>, <c>layer</c>, <c>activity</c> …; Text, Int64, Int32 and Double).
/// </summary>
/// <remarks>
/// The rows are fixed when the view is made, so that every cursor sees the same rows (ML.NET trainers read their
/// data several times): for a run store, the rows committed then (a writer may keep appending; cursors read only
/// the columns they are asked for, directly from SQLite); for records in memory, the first <c>Count</c> of the list.
/// <see cref="ToWide"/> gives one row per step with a vector of per-layer values.
/// </remarks>
public sealed class ActivityDataView : IDataView
{
    private readonly ActivityRowSource _source;

    private ActivityDataView(ActivityRowSource source)
    {
        _source = source;
        Schema = LongSchema;
    }

    /// <summary>Gets the schema of the long form: one column per <see cref="ActivityColumns.All"/>, by its name.</summary>
    public static DataViewSchema LongSchema { get; } = BuildLongSchema();

    /// <inheritdoc/>
    public bool CanShuffle => false;

    /// <inheritdoc/>
    public DataViewSchema Schema { get; }

    /// <summary>Makes a view of records held in memory (a fitted model's trace).</summary>
    /// <param name="records">The rows; the view holds the first <c>records.Count</c> as they are now.</param>
    /// <returns>The view.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="records"/> is null.</exception>
    public static ActivityDataView FromRecords(IReadOnlyList<ActivityRecord> records)
    {
        ArgumentNullException.ThrowIfNull(records);
        return new ActivityDataView(new MemoryRowSource(records));
    }

    /// <summary>Makes a view of one run of a run store, read directly from SQLite.</summary>
    /// <param name="storePath">The store file.</param>
    /// <param name="run">The run id, a unique id prefix or a unique run name.</param>
    /// <returns>The view of the rows committed now.</returns>
    /// <exception cref="ArgumentException">No such run (the message lists how to find runs).</exception>
    /// <exception cref="RunStoreException">The file is not a run store.</exception>
    public static ActivityDataView FromStore(string storePath, string run)
    {
        ArgumentException.ThrowIfNullOrEmpty(storePath);
        ArgumentException.ThrowIfNullOrEmpty(run);
        RunStore store = RunStore.Open(storePath);
        RunInfo info = store.FindRun(run);
        return new ActivityDataView(new StoreRowSource(store, info.Id));
    }

    /// <summary>Makes a view of a trace CSV file (validated first; see <see cref="TraceCsv"/>).</summary>
    /// <param name="path">The CSV file.</param>
    /// <returns>The view.</returns>
    /// <exception cref="TraceFormatException">The file is not a valid trace (the message names the line and column).</exception>
    public static ActivityDataView FromTrace(string path) => FromRecords(TraceCsv.Read(path));

    /// <inheritdoc/>
    public long? GetRowCount() => _source.Count;

    /// <inheritdoc/>
    public DataViewRowCursor GetRowCursor(IEnumerable<DataViewSchema.Column> columnsNeeded, Random? rand = null)
    {
        ArgumentNullException.ThrowIfNull(columnsNeeded);
        return new Cursor(Schema, columnsNeeded, _source);
    }

    /// <inheritdoc/>
    public DataViewRowCursor[] GetRowCursorSet(IEnumerable<DataViewSchema.Column> columnsNeeded, int n, Random? rand = null) =>
        [GetRowCursor(columnsNeeded, rand)];

    /// <summary>
    /// Gets the wide form: one row per step with <c>step</c>, <c>epoch</c>, <c>loss</c> and a vector column named
    /// <paramref name="valueColumn"/> holding that column's value per layer (the <c>network</c> row first, then layers in
    /// the order they first appear), with the layer names as slot names. A layer missing at a step is NaN.
    /// </summary>
    /// <param name="valueColumn">A numeric column of the long form (<c>activity</c>, <c>grad_norm</c> …).</param>
    /// <returns>The wide view (materialised from this view's rows).</returns>
    /// <exception cref="ArgumentException"><paramref name="valueColumn"/> is not a numeric column (the message lists them).</exception>
    public IDataView ToWide(string valueColumn = "activity")
    {
        ArgumentNullException.ThrowIfNull(valueColumn);
        ActivityColumn? column = ActivityColumns.Find(valueColumn);
        if (column is null || column.Type == ActivityColumnType.Text || column.Index is ActivityColumns.Step or ActivityColumns.Epoch)
        {
            throw new ArgumentException(
                $"Column '{valueColumn}' is not a numeric per-layer column of the activity trace. Use one of: {string.Join(", ", ActivityColumns.All.Where(c => c.Type != ActivityColumnType.Text && c.Index is not (ActivityColumns.Step or ActivityColumns.Epoch)).Select(c => c.Name))}.",
                nameof(valueColumn));
        }

        return ActivityWideDataView.Create(_source.Records(), column);
    }

    internal static DataViewType TypeOf(ActivityColumnType type) => type switch
    {
        ActivityColumnType.Text => TextDataViewType.Instance,
        ActivityColumnType.Int32 => NumberDataViewType.Int32,
        ActivityColumnType.Int64 => NumberDataViewType.Int64,
        _ => NumberDataViewType.Double,
    };

    private static DataViewSchema BuildLongSchema()
    {
        var builder = new DataViewSchema.Builder();
        foreach (ActivityColumn column in ActivityColumns.All)
        {
            builder.AddColumn(column.Name, TypeOf(column.Type));
        }

        return builder.ToSchema();
    }

    private sealed class Cursor : ActivityCursor
    {
        private readonly ActivityRowReader _reader;

        public Cursor(DataViewSchema schema, IEnumerable<DataViewSchema.Column> columnsNeeded, ActivityRowSource source)
            : base(schema, columnsNeeded)
        {
            _reader = source.Open(Active);
        }

        protected override bool Advance() => _reader.MoveNext();

        protected override Delegate MakeGetter(int column)
        {
            ActivityRowValues values = _reader.Values;
            return ActivityColumns.All[column].Type switch
            {
                ActivityColumnType.Text => (ValueGetter<ReadOnlyMemory<char>>)((ref ReadOnlyMemory<char> v) =>
                {
                    CheckRow();
                    v = values.Text(column).AsMemory();
                }),
                ActivityColumnType.Int32 => (ValueGetter<int>)((ref int v) =>
                {
                    CheckRow();
                    v = values.Int32(column);
                }),
                ActivityColumnType.Int64 => (ValueGetter<long>)((ref long v) =>
                {
                    CheckRow();
                    v = values.Int64(column);
                }),
                _ => (ValueGetter<double>)((ref double v) =>
                {
                    CheckRow();
                    v = values.Double(column);
                }),
            };
        }

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                _reader.Dispose();
            }

            base.Dispose(disposing);
        }
    }
}
