using Microsoft.ML;
using Microsoft.ML.Data;
using MLGradientInsight.Transforms.Activity;
using MLGradientInsight.Transforms.DataView;
using MLGradientInsight.Transforms.Store;
using MLGradientInsight.Transforms.Tests.Store;
using MLGradientInsight.Transforms.Traces;

namespace MLGradientInsight.Transforms.Tests.DataView;

[TestClass]
public sealed class ActivityDataViewTest
{
    /// <summary>Reads every row of a long-form view back into records through ML.NET getters.</summary>
    internal static List<ActivityRecord> ReadAll(IDataView view)
    {
        var rows = new List<ActivityRecord>();
        using DataViewRowCursor cursor = view.GetRowCursor(view.Schema);
        var run = cursor.GetGetter<ReadOnlyMemory<char>>(view.Schema["run"]);
        var step = cursor.GetGetter<long>(view.Schema["step"]);
        var epoch = cursor.GetGetter<int>(view.Schema["epoch"]);
        var layer = cursor.GetGetter<ReadOnlyMemory<char>>(view.Schema["layer"]);
        var nonFinite = cursor.GetGetter<int>(view.Schema["non_finite_count"]);
        ValueGetter<double>[] doubles = [.. new[] { "activity", "mean_change", "excluded_fraction", "grad_norm", "weight_norm", "update_norm", "loss", "learning_rate" }.Select(n => cursor.GetGetter<double>(view.Schema[n]))];
        while (cursor.MoveNext())
        {
            ReadOnlyMemory<char> r = default, l = default;
            long s = 0;
            int e = 0, n = 0;
            double[] d = new double[doubles.Length];
            run(ref r);
            step(ref s);
            epoch(ref e);
            layer(ref l);
            nonFinite(ref n);
            for (int i = 0; i < d.Length; i++)
            {
                doubles[i](ref d[i]);
            }

            rows.Add(new ActivityRecord
            {
                Run = r.ToString(), Step = s, Epoch = e, Layer = l.ToString(), NonFiniteCount = n, Activity = d[0], MeanChange = d[1],
                ExcludedFraction = d[2], GradientNorm = d[3], WeightNorm = d[4], UpdateNorm = d[5], Loss = d[6], LearningRate = d[7],
            });
        }

        return rows;
    }

    [TestMethod]
    public void A_store_run_a_trace_csv_and_records_in_memory_give_the_same_rows_with_the_column_map_schema()
    {
        using var folder = new TempFolder();
        RunStore store = RunStore.Open(folder.File("runs.db"));
        IReadOnlyList<ActivityRecord> records = AwkwardRecords.Fixed("ignored");
        RunWriter writer = store.StartRun("awkward");
        writer.WriteActivity(records);
        writer.Complete();
        writer.Dispose();

        ActivityDataView fromStore = ActivityDataView.FromStore(folder.File("runs.db"), "awkward");
        CollectionAssert.AreEqual(ActivityColumns.All.Select(c => c.Name).ToArray(), fromStore.Schema.Select(c => c.Name).ToArray());
        Assert.AreEqual(NumberDataViewType.Int64, fromStore.Schema["step"].Type);
        Assert.AreEqual(TextDataViewType.Instance, fromStore.Schema["layer"].Type);
        Assert.AreEqual((long)records.Count, fromStore.GetRowCount());
        List<ActivityRecord> stored = ReadAll(fromStore);
        RecordAssert.AreIdentical(store.ReadActivity(writer.RunId).ToList(), stored);
        Assert.IsTrue(stored.All(r => r.Run == writer.RunId));

        store.Export(writer.RunId, folder.File("trace.csv"));
        RecordAssert.AreIdentical([.. TraceCsv.Read(folder.File("trace.csv"))], ReadAll(ActivityDataView.FromTrace(folder.File("trace.csv"))));
        RecordAssert.AreIdentical(records, ReadAll(ActivityDataView.FromRecords(records)));
    }

    [TestMethod]
    public void Cursors_give_only_the_requested_columns_and_schema_errors_name_the_column()
    {
        ActivityDataView view = ActivityDataView.FromRecords(AwkwardRecords.Fixed("r"));
        using DataViewRowCursor cursor = view.GetRowCursor([view.Schema["activity"]]);
        Assert.IsTrue(cursor.IsColumnActive(view.Schema["activity"]));
        Assert.IsFalse(cursor.IsColumnActive(view.Schema["step"]));
        InvalidOperationException inactive = Assert.ThrowsExactly<InvalidOperationException>(() => cursor.GetGetter<long>(view.Schema["step"]));
        StringAssert.Contains(inactive.Message, "Column 'step'");
        InvalidOperationException type = Assert.ThrowsExactly<InvalidOperationException>(() => cursor.GetGetter<float>(view.Schema["activity"]));
        StringAssert.Contains(type.Message, "Column 'activity' holds Double");
        StringAssert.Contains(type.Message, "Double, not Single");
        var activity = cursor.GetGetter<double>(view.Schema["activity"]);
        double value = 0;
        Assert.ThrowsExactly<InvalidOperationException>(() => activity(ref value));
        Assert.IsTrue(cursor.MoveNext());
        activity(ref value);
        Assert.IsTrue(double.IsNaN(value));
    }

    [TestMethod]
    public void A_store_view_keeps_the_rows_of_its_creation_while_the_run_goes_on_writing()
    {
        using var folder = new TempFolder();
        RunStore store = RunStore.Open(folder.File("runs.db"));
        using RunWriter writer = store.StartRun("live");
        writer.WriteActivity([.. Steps(1, 10)]);
        writer.Flush();

        ActivityDataView view = ActivityDataView.FromStore(folder.File("runs.db"), writer.RunId);
        using (DataViewRowCursor open = view.GetRowCursor([view.Schema["step"]]))
        {
            var step = open.GetGetter<long>(view.Schema["step"]);
            Assert.IsTrue(open.MoveNext());
            writer.WriteActivity([.. Steps(11, 20)]);                // appended while a cursor is open
            writer.Flush();
            long last = 0, count = 1;
            while (open.MoveNext())
            {
                step(ref last);
                count++;
            }

            Assert.AreEqual(20L, count);
            Assert.AreEqual(10L, last);
        }

        Assert.AreEqual(20L, view.GetRowCount());
        Assert.HasCount(20, ReadAll(view));                            // a later cursor of the same view: same rows
        Assert.HasCount(40, ReadAll(ActivityDataView.FromStore(folder.File("runs.db"), writer.RunId)));  // a new view: all rows
        writer.Complete();
    }

    [TestMethod]
    public void The_wide_form_has_one_row_per_step_and_a_per_layer_vector_with_layer_slot_names()
    {
        ActivityRecord[] records =
        [
            new() { Step = 3, Epoch = 1, Layer = "fc1", Activity = 0.5, Loss = 2 },
            new() { Step = 3, Epoch = 1, Layer = ActivityRecord.NetworkLayer, Activity = 0.25, Loss = 2 },
            new() { Step = 3, Epoch = 1, Layer = "fc2", Activity = 0.125, Loss = 2 },
            new() { Step = 4, Epoch = 2, Layer = ActivityRecord.NetworkLayer, Activity = 1, Loss = 1.5 },
            new() { Step = 4, Epoch = 2, Layer = "fc2", Activity = 3, Loss = 1.5 },
        ];
        IDataView wide = ActivityDataView.FromRecords(records).ToWide();
        CollectionAssert.AreEqual(new[] { "step", "epoch", "loss", "activity" }, wide.Schema.Select(c => c.Name).ToArray());
        VBuffer<ReadOnlyMemory<char>> names = default;
        wide.Schema["activity"].GetSlotNames(ref names);
        CollectionAssert.AreEqual(new[] { "network", "fc1", "fc2" }, names.DenseValues().Select(n => n.ToString()).ToArray());

        var mlContext = new MLContext(seed: 1);
        WideRow[] rows = [.. mlContext.Data.CreateEnumerable<WideRow>(wide, reuseRowObject: false)];
        Assert.HasCount(2, rows);
        Assert.AreEqual((3L, 1, 2.0), (rows[0].step, rows[0].epoch, rows[0].loss));
        CollectionAssert.AreEqual(new[] { 0.25, 0.5, 0.125 }, rows[0].activity);
        Assert.AreEqual(1.0, rows[1].activity[0]);
        Assert.IsTrue(double.IsNaN(rows[1].activity[1]));              // fc1 missing at step 4
        Assert.AreEqual(3.0, rows[1].activity[2]);

        ArgumentException e = Assert.ThrowsExactly<ArgumentException>(() => ActivityDataView.FromRecords(records).ToWide("layer"));
        StringAssert.Contains(e.Message, "Column 'layer'");
        StringAssert.Contains(e.Message, "grad_norm");
    }

    [TestMethod]
    public void ML_NET_reads_the_long_form_with_its_own_APIs()
    {
        var mlContext = new MLContext(seed: 1);
        ActivityDataView view = ActivityDataView.FromRecords([.. Steps(1, 6)]);
        IDataView network = mlContext.Data.FilterByCustomPredicate<LayerRow>(view, r => r.layer != ActivityRecord.NetworkLayer);
        LayerRow[] rows = [.. mlContext.Data.CreateEnumerable<LayerRow>(network, reuseRowObject: false)];
        Assert.HasCount(6, rows);
        Assert.IsTrue(rows.All(r => r.layer == "network"));
        CollectionAssert.AreEqual(Enumerable.Range(1, 6).Select(s => (long)s).ToArray(), rows.Select(r => r.step).ToArray());
        Assert.AreEqual(6L * 2, view.GetRowCount());
    }

    private static IEnumerable<ActivityRecord> Steps(int from, int to)
    {
        for (int s = from; s <= to; s++)
        {
            yield return new ActivityRecord { Step = s, Epoch = 1, Layer = ActivityRecord.NetworkLayer, Activity = s * 0.5, Loss = 1.0 / s };
            yield return new ActivityRecord { Step = s, Epoch = 1, Layer = "fc1", Activity = s, Loss = 1.0 / s };
        }
    }

#pragma warning disable IDE1006, SA1300 // property names are the trace's column names
    private sealed class WideRow
    {
        public long step { get; set; }

        public int epoch { get; set; }

        public double loss { get; set; }

        public double[] activity { get; set; } = [];
    }

    private sealed class LayerRow
    {
        public long step { get; set; }

        public string layer { get; set; } = "";

        public double activity { get; set; }
    }
#pragma warning restore IDE1006, SA1300
}
