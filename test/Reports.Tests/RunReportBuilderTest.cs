using MLGradientInsight.Reports.Data;
using MLGradientInsight.Reports.Model;
using MLGradientInsight.Transforms.Activity;
using MLGradientInsight.Transforms.Store;
using MLGradientInsight.Transforms.Tests.Store;

namespace MLGradientInsight.Reports.Tests;

[TestClass]
public sealed class RunReportBuilderTest
{
    /// <summary>Writes a run: steps 1…<paramref name="steps"/>, layers fc1 and fc2 plus network, 2 epochs.</summary>
    internal static string WriteRun(RunStore store, int steps, Func<long, string, double>? activity = null, bool complete = true)
    {
        activity ??= (step, layer) => Math.Sin(step * 0.01) + (layer == "fc1" ? 1 : layer == "fc2" ? 2 : 3);
        RunWriter writer = store.StartRun("demo", """{"model":"mlp","lr":0.05}""", "fc1 Linear(3, 4)\nfc2 Linear(4, 2)");
        AppendSteps(writer, 1, steps, activity);
        writer.WriteEpoch(new EpochRecord { Epoch = 1, TrainLoss = 0.9, TrainAccuracy = 0.6, ValidationLoss = 1.0, ValidationAccuracy = 0.55 });
        writer.WriteEpoch(new EpochRecord { Epoch = 2, TrainLoss = 0.5, TrainAccuracy = 0.8, ValidationLoss = 0.6, ValidationAccuracy = 0.75 });
        if (complete)
        {
            writer.Complete();
            writer.Dispose();
        }
        else
        {
            writer.Flush();
            s_open.Add(writer);
        }

        return writer.RunId;
    }

    private static readonly List<RunWriter> s_open = [];

    internal static void AppendSteps(RunWriter writer, long from, long to, Func<long, string, double> activity)
    {
        for (long step = from; step <= to; step++)
        {
            int epoch = step <= to / 2 ? 1 : 2;
            writer.WriteStep(step, epoch, 1.0 / step, 0.05, 0.25);
            foreach (string layer in new[] { ActivityRecord.NetworkLayer, "fc1", "fc2" })
            {
                writer.WriteActivity(new ActivityRecord { Step = step, Epoch = epoch, Layer = layer, Activity = activity(step, layer), ExcludedFraction = 0.1, NonFiniteCount = step == 7 ? 3 : 0 });
            }
        }
    }

    [TestMethod]
    public void A_short_run_is_drawn_point_for_point_with_its_summary()
    {
        using var folder = new TempFolder();
        RunStore store = RunStore.Open(folder.File("runs.db"));
        string id = WriteRun(store, 200);

        RunReport report = RunReportBuilder.Build(store, id);

        Assert.AreEqual(id, report.Run.Id);
        Assert.AreEqual(200, report.LastStep);
        Assert.AreEqual(200, report.NetworkActivity.Values.Length);
        Assert.IsFalse(report.NetworkActivity.Downsampled);
        CollectionAssert.AreEqual(Enumerable.Range(1, 200).Select(s => (double)s).ToArray(), report.NetworkActivity.X);
        Assert.AreEqual(Math.Sin(0.5) + 3, report.NetworkActivity.Values[49], 1e-12);
        CollectionAssert.AreEqual(new[] { "fc1", "fc2" }, report.LayerActivity.Select(l => l.Name).ToArray());
        Assert.AreEqual(1.0 / 3, report.Loss.Values[2], 1e-12);
        Assert.AreEqual(0.05, report.LearningRate.Values[0], 1e-12);
        Assert.AreEqual(0.1, report.ExcludedFraction.Values.Max(), 1e-12);
        CollectionAssert.AreEqual(new[] { 7.0 }, report.NonFiniteGradients.X);
        CollectionAssert.AreEqual(new[] { 3.0 }, report.NonFiniteGradients.Values);
        ReportSeries validationAccuracy = report.EpochMetrics.Single(m => m.Name == "validation accuracy");
        CollectionAssert.AreEqual(new[] { 100.0, 200.0 }, validationAccuracy.X, "epoch metrics sit at the last step of their epoch");
        CollectionAssert.AreEqual(new[] { 0.55, 0.75 }, validationAccuracy.Values);
        Assert.AreEqual(200, report.Timings.Steps);
        Assert.AreEqual(0.25, report.Timings.MeanStepMilliseconds!.Value, 1e-9);
        Assert.AreEqual(2, report.Timings.Epochs);
        Assert.AreEqual(RunStatus.Completed, report.Run.Status);
    }

    [TestMethod]
    public void A_long_run_is_downsampled_within_budget_keeping_the_spike_and_reports_non_finite_values()
    {
        using var folder = new TempFolder();
        RunStore store = RunStore.Open(folder.File("runs.db"));
        string id = WriteRun(store, 5000, (step, layer) => step == 4321 ? 1e9 : step == 17 && layer == "fc2" ? double.PositiveInfinity : step % 10);

        RunReport report = RunReportBuilder.Build(store, id, new ReportOptions { MaxPoints = 100, MaxListedNonFinite = 5 });

        Assert.IsTrue(report.NetworkActivity.Downsampled);
        Assert.IsLessThanOrEqualTo(100, report.NetworkActivity.Values.Length);
        Assert.AreEqual(5000, report.NetworkActivity.SourcePoints);
        Assert.AreEqual(1e9, report.NetworkActivity.Values.Max());
        Assert.AreEqual(4321.0, report.NetworkActivity.X[Array.IndexOf(report.NetworkActivity.Values, 1e9)]);
        ReportSeries fc2 = report.LayerActivity.Single(l => l.Name == "fc2");
        Assert.AreEqual(1, fc2.NonFiniteCount);
        Assert.AreEqual(new NonFinitePoint(17, "∞"), fc2.NonFinite.Single() with { Value = "∞" });
        Assert.AreEqual("Infinity", fc2.NonFinite.Single().Value);
        Assert.IsFalse(fc2.Values.Any(double.IsInfinity));
    }

    [TestMethod]
    public void Contributed_panels_are_part_of_the_report()
    {
        using var folder = new TempFolder();
        RunStore store = RunStore.Open(folder.File("runs.db"));
        string id = WriteRun(store, 30);
        var windows = new StepWindowsPanel { Title = "shapes", Windows = [new StepWindow(1, 10, "uniform"), new StepWindow(11, 30, "chaotic")] };

        RunReport report = RunReportBuilder.Build(store, id, new ReportOptions { Contributors = [new FixedContributor(windows)] });

        Assert.AreSame(windows, report.Panels.Single());
    }

    [TestMethod]
    public void Refreshing_reads_only_what_was_added_and_gives_the_same_data_as_a_fresh_read()
    {
        using var folder = new TempFolder();
        RunStore store = RunStore.Open(folder.File("runs.db"));
        RunWriter writer = store.StartRun("live");
        Func<long, string, double> activity = (s, l) => s * (l.Length + 1);
        AppendSteps(writer, 1, 50, activity);
        writer.Flush();
        var data = new RunSeriesData(writer.RunId);
        data.Refresh(store);
        Assert.AreEqual(50, data.LastStep);

        AppendSteps(writer, 51, 120, activity);
        writer.Complete();
        writer.Dispose();
        data.Refresh(store);

        RunReport incremental = RunReportBuilder.Build(data, ReportOptions.Default, []);
        RunReport fresh = RunReportBuilder.Build(store, writer.RunId);
        Assert.AreEqual(120, incremental.LastStep);
        CollectionAssert.AreEqual(fresh.NetworkActivity.X, incremental.NetworkActivity.X);
        CollectionAssert.AreEqual(fresh.NetworkActivity.Values, incremental.NetworkActivity.Values);
        CollectionAssert.AreEqual(fresh.LayerActivity[1].Values, incremental.LayerActivity[1].Values);
        CollectionAssert.AreEqual(fresh.Loss.Values, incremental.Loss.Values);
        Assert.AreEqual(RunStatus.Completed, incremental.Run.Status);
    }

    [TestMethod]
    public void Refreshing_tops_up_each_layer_from_its_own_last_step_when_layers_lag_behind()
    {
        using var folder = new TempFolder();
        RunStore store = RunStore.Open(folder.File("runs.db"));
        RunWriter writer = store.StartRun("lagging");
        void Write(long from, long to, string layer)
        {
            for (long step = from; step <= to; step++)
            {
                writer.WriteActivity(new ActivityRecord { Step = step, Epoch = 1, Layer = layer, Activity = step * (layer == "fc1" ? 10 : 1) });
            }
        }

        Write(1, 50, ActivityRecord.NetworkLayer);
        Write(1, 40, "fc1");
        writer.Flush();
        var data = new RunSeriesData(writer.RunId);
        data.Refresh(store);
        Write(51, 60, ActivityRecord.NetworkLayer);
        Write(41, 60, "fc1");
        writer.Complete();
        writer.Dispose();
        data.Refresh(store);

        RunReport report = RunReportBuilder.Build(data, ReportOptions.Default, []);
        CollectionAssert.AreEqual(Enumerable.Range(1, 60).Select(s => (double)s).ToArray(), report.NetworkActivity.X);
        CollectionAssert.AreEqual(Enumerable.Range(1, 60).Select(s => s * 10.0).ToArray(), report.LayerActivity.Single().Values, "fc1's steps 41–50 are read although the network had them already; none twice");
    }

    [TestMethod]
    public void Refreshing_while_steps_and_activity_are_written_at_different_paces_leaves_no_gap()
    {
        using var folder = new TempFolder();
        RunStore store = RunStore.Open(folder.File("runs.db"));
        RunWriter writer = store.StartRun("uneven");
        for (long step = 1; step <= 80; step++)
        {
            writer.WriteActivity(new ActivityRecord { Step = step, Epoch = 1, Layer = ActivityRecord.NetworkLayer, Activity = step });
            if (step <= 30)
            {
                writer.WriteStep(step, 1, step, 0.1, 1);
            }
        }

        writer.Flush();
        var data = new RunSeriesData(writer.RunId);
        data.Refresh(store);
        for (long step = 31; step <= 80; step++)
        {
            writer.WriteStep(step, 1, step, 0.1, 1);
        }

        writer.WriteActivity(new ActivityRecord { Step = 81, Epoch = 1, Layer = ActivityRecord.NetworkLayer, Activity = 81 });
        writer.WriteActivity(new ActivityRecord { Step = 81, Epoch = 1, Layer = "late", Activity = 1 });
        writer.Complete();
        writer.Dispose();
        data.Refresh(store);

        RunReport report = RunReportBuilder.Build(data, ReportOptions.Default, []);
        CollectionAssert.AreEqual(Enumerable.Range(1, 80).Select(s => (double)s).ToArray(), report.Loss.X, "every step's loss, none skipped");
        CollectionAssert.AreEqual(Enumerable.Range(1, 81).Select(s => (double)s).ToArray(), report.NetworkActivity.Values);
        Assert.AreEqual("late", report.LayerActivity.Single().Name, "a layer that appears later is read from its start");
    }

    [TestMethod]
    [DataRow(15)]
    [DataRow(1_000_001)]
    public void A_point_budget_out_of_range_is_rejected(int maxPoints)
    {
        var e = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => new ReportOptions { MaxPoints = maxPoints }.Validate());
        Assert.AreEqual("MaxPoints", e.ParamName);
    }

    [TestMethod]
    public void An_unknown_run_is_rejected_with_its_id()
    {
        using var folder = new TempFolder();
        RunStore store = RunStore.Open(folder.File("runs.db"));
        var e = Assert.ThrowsExactly<ArgumentException>(() => RunReportBuilder.Build(store, "r00000000"));
        StringAssert.Contains(e.Message, "r00000000");
    }

    [TestMethod]
    public void The_series_read_in_one_pass_are_those_of_the_layer_by_layer_reads()
    {
        // Layers written in a varying order (not alphabetical), one from step 30 on, NaN and infinite values: each series
        // is the layer's rows as the (run, layer, step) index gives them, in the order ReadLayers lists the layers.
        using var folder = new TempFolder();
        RunStore store = RunStore.Open(folder.File("runs.db"));
        string id;
        using (RunWriter writer = store.StartRun("order"))
        {
            id = writer.RunId;
            for (long step = 1; step <= 120; step++)
            {
                string[] written = step % 2 == 0 ? ["zeta", "network", "alpha", "mid"] : ["mid", "alpha", "zeta", "network"];
                foreach (string layer in written.Where(l => l != "alpha" || step >= 30))
                {
                    writer.WriteActivity(new ActivityRecord { Step = step, Layer = layer, Activity = step % 17 == 0 ? double.NaN : step % 13 == 0 ? double.NegativeInfinity : step * layer.Length, ExcludedFraction = 0.5 / step, NonFiniteCount = (int)(step % 3) });
                }
            }

            writer.Complete();
        }

        var data = new RunSeriesData(id);
        data.Refresh(store);

        IReadOnlyList<string> layers = store.ReadLayers(id);
        CollectionAssert.AreEqual(layers.Skip(1).ToList(), data.LayerNames.ToList());
        foreach (string layer in layers)
        {
            List<ActivityRecord> rows = [.. store.ReadLayerActivity(id, layer)];
            SeriesColumns columns = layer == ActivityRecord.NetworkLayer ? data.Network! : data.Layer(layer);
            CollectionAssert.AreEqual(rows.Select(r => (double)r.Step).ToArray(), columns.Steps.ToArray(), layer);
            CollectionAssert.AreEqual(rows.Select(r => r.Activity).ToArray(), columns.Column(RunSeriesData.ActivityColumn).ToArray(), layer);
            CollectionAssert.AreEqual(rows.Select(r => r.ExcludedFraction).ToArray(), columns.Column(RunSeriesData.ExcludedColumn).ToArray(), layer);
            CollectionAssert.AreEqual(rows.Select(r => (double)r.NonFiniteCount).ToArray(), columns.Column(RunSeriesData.NonFiniteColumn).ToArray(), layer);
        }
    }

    private sealed class FixedContributor(params ReportPanel[] panels) : IReportContributor
    {
        public IEnumerable<ReportPanel> Contribute(RunStore store, RunInfo run) => panels;
    }
}
