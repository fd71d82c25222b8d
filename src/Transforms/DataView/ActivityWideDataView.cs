using Microsoft.ML;
using Microsoft.ML.Data;
using MLGradientInsight.Transforms.Activity;

namespace MLGradientInsight.Transforms.DataView;

/// <summary>The wide form of an activity trace (see <see cref="ActivityDataView.ToWide"/>), materialised in memory.</summary>
internal sealed class ActivityWideDataView : IDataView
{
    private readonly long[] _steps;
    private readonly int[] _epochs;
    private readonly double[] _losses;
    private readonly double[][] _values;

    private ActivityWideDataView(DataViewSchema schema, long[] steps, int[] epochs, double[] losses, double[][] values)
    {
        Schema = schema;
        _steps = steps;
        _epochs = epochs;
        _losses = losses;
        _values = values;
    }

    public bool CanShuffle => false;

    public DataViewSchema Schema { get; }

    public static ActivityWideDataView Create(IEnumerable<ActivityRecord> records, ActivityColumn column)
    {
        var layers = new List<string>();
        var layerIndex = new Dictionary<string, int>(StringComparer.Ordinal);
        var steps = new List<(long Step, int Epoch, double Loss, Dictionary<int, double> Values)>();
        var stepIndex = new Dictionary<long, int>();
        foreach (ActivityRecord r in records)
        {
            if (!layerIndex.TryGetValue(r.Layer, out int li))
            {
                li = layers.Count;
                layerIndex.Add(r.Layer, li);
                layers.Add(r.Layer);
            }

            if (!stepIndex.TryGetValue(r.Step, out int si))
            {
                si = steps.Count;
                stepIndex.Add(r.Step, si);
                steps.Add((r.Step, r.Epoch, r.Loss, []));
            }

            steps[si].Values[li] = ActivityColumns.Number(r, column.Index);
        }

        // The network row first, whatever the order of the records.
        int network = layers.IndexOf(ActivityRecord.NetworkLayer);
        int[] order = network <= 0 ? [.. Enumerable.Range(0, layers.Count)] : [network, .. Enumerable.Range(0, layers.Count).Where(i => i != network)];
        int width = Math.Max(1, layers.Count);
        double[][] values = [.. steps.Select(s =>
        {
            double[] row = new double[width];
            Array.Fill(row, double.NaN);
            for (int k = 0; k < order.Length; k++)
            {
                if (s.Values.TryGetValue(order[k], out double v))
                {
                    row[k] = v;
                }
            }

            return row;
        })];

        var slotNames = new VBuffer<ReadOnlyMemory<char>>(width, [.. order.Select(i => layers[i].AsMemory()), .. Enumerable.Repeat(ReadOnlyMemory<char>.Empty, width - order.Length)]);
        var annotations = new DataViewSchema.Annotations.Builder();
        annotations.Add<VBuffer<ReadOnlyMemory<char>>>("SlotNames", new VectorDataViewType(TextDataViewType.Instance, width), (ref VBuffer<ReadOnlyMemory<char>> v) => slotNames.CopyTo(ref v));
        var builder = new DataViewSchema.Builder();
        builder.AddColumn(ActivityColumns.All[ActivityColumns.Step].Name, NumberDataViewType.Int64);
        builder.AddColumn(ActivityColumns.All[ActivityColumns.Epoch].Name, NumberDataViewType.Int32);
        builder.AddColumn(ActivityColumns.All[ActivityColumns.Loss].Name, NumberDataViewType.Double);
        if (column.Index != ActivityColumns.Loss)
        {
            builder.AddColumn(column.Name, new VectorDataViewType(NumberDataViewType.Double, width), annotations.ToAnnotations());
        }
        else
        {
            builder.AddColumn("layer_loss", new VectorDataViewType(NumberDataViewType.Double, width), annotations.ToAnnotations());
        }

        return new ActivityWideDataView(
            builder.ToSchema(), [.. steps.Select(s => s.Step)], [.. steps.Select(s => s.Epoch)], [.. steps.Select(s => s.Loss)], values);
    }

    public long? GetRowCount() => _steps.Length;

    public DataViewRowCursor GetRowCursor(IEnumerable<DataViewSchema.Column> columnsNeeded, Random? rand = null) => new Cursor(this, columnsNeeded);

    public DataViewRowCursor[] GetRowCursorSet(IEnumerable<DataViewSchema.Column> columnsNeeded, int n, Random? rand = null) => [GetRowCursor(columnsNeeded, rand)];

    private sealed class Cursor(ActivityWideDataView view, IEnumerable<DataViewSchema.Column> columnsNeeded) : ActivityCursor(view.Schema, columnsNeeded)
    {
        protected override bool Advance() => Position + 1 < view._steps.Length;

        protected override Delegate MakeGetter(int column) => column switch
        {
            0 => (ValueGetter<long>)((ref long v) =>
            {
                CheckRow();
                v = view._steps[Position];
            }),
            1 => (ValueGetter<int>)((ref int v) =>
            {
                CheckRow();
                v = view._epochs[Position];
            }),
            2 => (ValueGetter<double>)((ref double v) =>
            {
                CheckRow();
                v = view._losses[Position];
            }),
            _ => (ValueGetter<VBuffer<double>>)((ref VBuffer<double> v) =>
            {
                CheckRow();
                new VBuffer<double>(view._values[Position].Length, view._values[Position]).CopyTo(ref v);
            }),
        };
    }
}
