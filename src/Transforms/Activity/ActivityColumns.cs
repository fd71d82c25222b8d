using System.Collections.Immutable;

namespace MLGradientInsight.Transforms.Activity;

/// <summary>
/// The one column map of the activity trace: names, types and order of the <see cref="ActivityRecord"/> columns,
/// shared by the run store (<c>activity</c> table and its SQL), the trace CSV and the <c>IDataView</c> schema.
/// </summary>
/// <remarks>
/// Reading and writing go through <see cref="Read{TSource}(ref TSource)"/> and <see cref="Write{TTarget}(ActivityRecord, ref TTarget)"/>,
/// the only two places that list the record's properties, so a new column is added here and nowhere else (the store's
/// schema version and the README's tables excepted, which tests compare against this map).
/// </remarks>
public static class ActivityColumns
{
    /// <summary>Index of <c>run</c>.</summary>
    public const int Run = 0;

    /// <summary>Index of <c>step</c>.</summary>
    public const int Step = 1;

    /// <summary>Index of <c>epoch</c>.</summary>
    public const int Epoch = 2;

    /// <summary>Index of <c>layer</c>.</summary>
    public const int Layer = 3;

    /// <summary>Index of <c>activity</c>.</summary>
    public const int Activity = 4;

    /// <summary>Index of <c>mean_change</c>.</summary>
    public const int MeanChange = 5;

    /// <summary>Index of <c>excluded_fraction</c>.</summary>
    public const int ExcludedFraction = 6;

    /// <summary>Index of <c>non_finite_count</c>.</summary>
    public const int NonFiniteCount = 7;

    /// <summary>Index of <c>grad_norm</c>.</summary>
    public const int GradientNorm = 8;

    /// <summary>Index of <c>weight_norm</c>.</summary>
    public const int WeightNorm = 9;

    /// <summary>Index of <c>update_norm</c>.</summary>
    public const int UpdateNorm = 10;

    /// <summary>Index of <c>loss</c>.</summary>
    public const int Loss = 11;

    /// <summary>Index of <c>learning_rate</c>.</summary>
    public const int LearningRate = 12;

    /// <summary>Gets every column, in CSV order.</summary>
    public static ImmutableArray<ActivityColumn> All { get; } =
    [
        new(Run, "run", nameof(ActivityRecord.Run), ActivityColumnType.Text, false, "run id (store) or run name (trace)"),
        new(Step, "step", nameof(ActivityRecord.Step), ActivityColumnType.Int64, true, "1-based global optimizer step"),
        new(Epoch, "epoch", nameof(ActivityRecord.Epoch), ActivityColumnType.Int32, false, "1-based epoch (0 when unknown)"),
        new(Layer, "layer", nameof(ActivityRecord.Layer), ActivityColumnType.Text, true, "layer name, or 'network' for the whole-network row"),
        new(Activity, "activity", nameof(ActivityRecord.Activity), ActivityColumnType.Double, true, "mean dI over the included elements"),
        new(MeanChange, "mean_change", nameof(ActivityRecord.MeanChange), ActivityColumnType.Double, false, "mean M over the included elements, before this step's update"),
        new(ExcludedFraction, "excluded_fraction", nameof(ActivityRecord.ExcludedFraction), ActivityColumnType.Double, false, "fraction of elements excluded by the 000 §3.5 thresholds"),
        new(NonFiniteCount, "non_finite_count", nameof(ActivityRecord.NonFiniteCount), ActivityColumnType.Int32, false, "NaN/±Inf gradient values in the layer at this step"),
        new(GradientNorm, "grad_norm", nameof(ActivityRecord.GradientNorm), ActivityColumnType.Double, false, "L2 norm of the layer's gradient"),
        new(WeightNorm, "weight_norm", nameof(ActivityRecord.WeightNorm), ActivityColumnType.Double, false, "L2 norm of the layer's weights after the update"),
        new(UpdateNorm, "update_norm", nameof(ActivityRecord.UpdateNorm), ActivityColumnType.Double, false, "L2 norm of the update"),
        new(Loss, "loss", nameof(ActivityRecord.Loss), ActivityColumnType.Double, false, "the step's batch loss"),
        new(LearningRate, "learning_rate", nameof(ActivityRecord.LearningRate), ActivityColumnType.Double, false, "learning rate of the layer"),
    ];

    /// <summary>Finds a column by name (ignoring case and surrounding spaces).</summary>
    /// <param name="name">The name (<c>mean_change</c>).</param>
    /// <returns>The column, or null when no column has that name.</returns>
    public static ActivityColumn? Find(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        string trimmed = name.Trim();
        foreach (ActivityColumn column in All)
        {
            if (string.Equals(column.Name, trimmed, StringComparison.OrdinalIgnoreCase))
            {
                return column;
            }
        }

        return null;
    }

    /// <summary>Gets the store column names of every column, comma-separated, in map order (<c>run_id, step, …</c>).</summary>
    internal static string StoreColumnList { get; } = string.Join(", ", All.Select(c => c.StoreName));

    /// <summary>Gets the store column names of every column but <c>run_id</c> (a run's rows are read by run).</summary>
    internal static string StoreValueColumnList { get; } = string.Join(", ", All.Where(c => c.Index != Run).Select(c => c.StoreName));

    /// <summary>Gets the <c>CREATE TABLE activity</c> statement of store schema version 1.</summary>
    internal static string StoreTableSql { get; } =
        "CREATE TABLE activity (\n" +
        string.Concat(All.Select(c => $"    {c.StoreName,-17} {c.StoreDefinition},\n")) +
        "    PRIMARY KEY (run_id, step, layer)\n);";

    /// <summary>Builds a record from a row of any source (a SQLite reader, a CSV row, an <c>IDataView</c> cursor).</summary>
    /// <typeparam name="TSource">The source.</typeparam>
    /// <param name="source">Gives the value of each column by index.</param>
    /// <returns>The record.</returns>
    internal static ActivityRecord Read<TSource>(ref TSource source)
        where TSource : IActivityValueSource, allows ref struct => new()
        {
            Run = source.Text(Run),
            Step = source.Int64(Step),
            Epoch = source.Int32(Epoch),
            Layer = source.Text(Layer),
            Activity = source.Double(Activity),
            MeanChange = source.Double(MeanChange),
            ExcludedFraction = source.Double(ExcludedFraction),
            NonFiniteCount = source.Int32(NonFiniteCount),
            GradientNorm = source.Double(GradientNorm),
            WeightNorm = source.Double(WeightNorm),
            UpdateNorm = source.Double(UpdateNorm),
            Loss = source.Double(Loss),
            LearningRate = source.Double(LearningRate),
        };

    /// <summary>Writes every column of a record, in map order, to any target (SQLite parameters, a CSV line).</summary>
    /// <typeparam name="TTarget">The target.</typeparam>
    /// <param name="record">The record.</param>
    /// <param name="target">Receives each column's value by index.</param>
    internal static void Write<TTarget>(ActivityRecord record, ref TTarget target)
        where TTarget : IActivityValueTarget, allows ref struct
    {
        target.Text(Run, record.Run);
        target.Int64(Step, record.Step);
        target.Int32(Epoch, record.Epoch);
        target.Text(Layer, record.Layer);
        target.Double(Activity, record.Activity);
        target.Double(MeanChange, record.MeanChange);
        target.Double(ExcludedFraction, record.ExcludedFraction);
        target.Int32(NonFiniteCount, record.NonFiniteCount);
        target.Double(GradientNorm, record.GradientNorm);
        target.Double(WeightNorm, record.WeightNorm);
        target.Double(UpdateNorm, record.UpdateNorm);
        target.Double(Loss, record.Loss);
        target.Double(LearningRate, record.LearningRate);
    }

    /// <summary>Gets a numeric column of a record as a double (for wide views and charts).</summary>
    /// <param name="record">The record.</param>
    /// <param name="column">A column index of type <see cref="ActivityColumnType.Int32"/>, <see cref="ActivityColumnType.Int64"/> or <see cref="ActivityColumnType.Double"/>.</param>
    /// <returns>The value.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="column"/> is not a numeric column.</exception>
    public static double Number(ActivityRecord record, int column)
    {
        ArgumentNullException.ThrowIfNull(record);
        var reader = new NumberReader(column);
        Write(record, ref reader);
        return reader.Found ? reader.Value : throw new ArgumentOutOfRangeException(nameof(column), column, "Not a numeric activity column.");
    }

    private struct NumberReader(int column) : IActivityValueTarget
    {
        public double Value;
        public bool Found;

        public void Text(int index, string value)
        {
        }

        public void Int32(int index, int value) => Set(index, value);

        public void Int64(int index, long value) => Set(index, value);

        public void Double(int index, double value) => Set(index, value);

        private void Set(int index, double value)
        {
            if (index == column)
            {
                Value = value;
                Found = true;
            }
        }
    }
}

/// <summary>Gives the value of activity columns by index (<see cref="ActivityColumns.Read{TSource}(ref TSource)"/>).</summary>
internal interface IActivityValueSource
{
    string Text(int column);

    int Int32(int column);

    long Int64(int column);

    double Double(int column);
}

/// <summary>Receives the value of activity columns by index (<see cref="ActivityColumns.Write{TTarget}(ActivityRecord, ref TTarget)"/>).</summary>
internal interface IActivityValueTarget
{
    void Text(int column, string value);

    void Int32(int column, int value);

    void Int64(int column, long value);

    void Double(int column, double value);
}
