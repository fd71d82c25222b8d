using System.Diagnostics;
using System.Globalization;
using MLGradientInsight.ActivityClassifier.Traces;
using MLGradientInsight.Reports;
using MLGradientInsight.Reports.Data;
using MLGradientInsight.Reports.Downsampling;
using MLGradientInsight.Reports.Html;
using MLGradientInsight.Reports.Model;
using MLGradientInsight.Transforms.Activity;
using MLGradientInsight.Transforms.Store;

namespace MLGradientInsight.Benchmarks;

/// <summary>
/// <c>report [--steps 100000] [--layers 20] [--falling-loss] [--keep FOLDER] [--write-only]</c>: writes a synthetic run of
/// that size into a fresh store (random activity; with <c>--falling-loss</c> its activity rows carry a loss falling
/// 20-fold, as a tracked run's rows carry the loss, and the advisor alarms early, so its replay stops there; else no loss,
/// no alarm, and the replay classifies every evaluation to the end), then times what <c>mlgi report</c> and the dashboard
/// do with it: the full read + downsampling, the HTML, the whole report with every contributor's panels, a dashboard poll
/// after 100 more steps (whole report and incremental report, with the layer listing they include), the diagnosis panel
/// and its phases, and the downsampling alone. Prints the load average, since the development machines are shared.
/// <c>--keep</c> writes the store into FOLDER and leaves it there; <c>--write-only</c> stops after writing it.
/// </summary>
internal static class ReportRunner
{
    public static void Run(string[] args)
    {
        int steps = Option(args, "--steps", 100_000);
        int layers = Option(args, "--layers", 20);
        bool only = args.Contains("--write-only");
        bool fallingLoss = args.Contains("--falling-loss");
        string? keep = Array.IndexOf(args, "--keep") is int k and >= 0 && k + 1 < args.Length ? Path.GetFullPath(args[k + 1]) : null;
        string folder = keep ?? Path.Combine(Path.GetTempPath(), "mlgi-report-bench-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        try
        {
            RunStore store = RunStore.Open(Path.Combine(folder, "runs.db"));
            var random = new Random(1);
            var clock = Stopwatch.StartNew();
            RunWriter writer = store.StartRun("bench");
            Append(writer, 1, steps, layers, random, fallingLoss ? steps : 0);
            writer.Flush();
            Console.WriteLine($"load average (1, 5, 15 min) at the start: {File.ReadAllText("/proc/loadavg").Trim()} on {Environment.ProcessorCount} cores");
            Console.WriteLine($"wrote {steps:N0} steps × ({layers} layers + network) = {(long)steps * (layers + 1):N0} activity rows in {clock.Elapsed.TotalSeconds:F1} s");

            if (only)
            {
                writer.Complete();
                writer.Dispose();
                Console.WriteLine($"kept {store.FilePath} (run {writer.RunId})");
                return;
            }

            for (int repeat = 0; repeat < 3; repeat++)
            {
                clock.Restart();
                TimeSpan cpu = Process.GetCurrentProcess().TotalProcessorTime;
                RunReport report = RunReportBuilder.Build(store, writer.RunId);
                double build = clock.Elapsed.TotalSeconds;
                double buildCpu = (Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalSeconds;
                clock.Restart();
                var html = new StringWriter();
                ReportHtml.Write(html, [report]);
                double write = clock.Elapsed.TotalSeconds;
                Console.WriteLine($"report: read + downsample {build:F2} s wall ({buildCpu:F2} s CPU), HTML {write:F2} s, {html.GetStringBuilder().Length / 1e6:F2} MB, network line {report.NetworkActivity.Values.Length:N0} points of {report.NetworkActivity.SourcePoints:N0}");
            }

            // What mlgi report does: the series and every contributor's panels (the diagnosis among them, run meanwhile).
            var everything = new ReportOptions { Contributors = Reports.Contributors.ReportContributorSet.CreateAll() };
            for (int repeat = 0; repeat < 2; repeat++)
            {
                clock.Restart();
                TimeSpan cpu = Process.GetCurrentProcess().TotalProcessorTime;
                RunReport report = RunReportBuilder.Build(store, writer.RunId, everything);
                Console.WriteLine($"mlgi report's work (series + all panels): {clock.Elapsed.TotalSeconds:F2} s wall ({(Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalSeconds:F2} s CPU), {report.Panels.Count} panels");
            }

            var data = new RunSeriesData(writer.RunId);
            data.Refresh(store);
            long last = steps;
            for (int repeat = 0; repeat < 3; repeat++)
            {
                clock.Restart();
                using (var connection = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={store.FilePath};Mode=ReadOnly"))
                {
                    connection.Open();
                    using Microsoft.Data.Sqlite.SqliteCommand grouped = connection.CreateCommand();
                    grouped.CommandText = "SELECT layer FROM activity WHERE run_id = $id GROUP BY layer ORDER BY layer <> 'network', MIN(rowid)";
                    grouped.Parameters.AddWithValue("$id", writer.RunId);
                    using Microsoft.Data.Sqlite.SqliteDataReader reader = grouped.ExecuteReader();
                    while (reader.Read())
                    {
                    }
                }

                double groupBy = clock.Elapsed.TotalMilliseconds;
                clock.Restart();
                int listed = store.ReadLayers(writer.RunId).Count;
                double seek = clock.Elapsed.TotalMilliseconds;

                Append(writer, last + 1, last + 100, layers, random, fallingLoss ? steps : 0);
                writer.Flush();
                last += 100;
                clock.Restart();
                data.Refresh(store);
                double refresh = clock.Elapsed.TotalMilliseconds;
                clock.Restart();
                RunReport whole = RunReportBuilder.Build(data, ReportOptions.Default, []);
                string wholeJson = System.Text.Json.JsonSerializer.Serialize(whole, ReportJson.Options);
                double wholeMs = clock.Elapsed.TotalMilliseconds;
                clock.Restart();
                RunReport tail = RunReportBuilder.Build(data, ReportOptions.Default, null, last - 100);
                string tailJson = System.Text.Json.JsonSerializer.Serialize(tail, ReportJson.Options);
                double tailMs = clock.Elapsed.TotalMilliseconds;
                Console.WriteLine($"dashboard poll after 100 new steps (last step {whole.LastStep:N0}): store refresh {refresh:F0} ms (layer list {seek:F1} ms for {listed} layers; the former GROUP BY listing took {groupBy:F0} ms); "
                    + $"whole report built + serialised {wholeMs:F0} ms, {wholeJson.Length / 1e6:F2} MB; incremental (after=STEP) {tailMs:F1} ms, {tailJson.Length / 1e3:F1} kB");
            }

            clock.Restart();
            int rows = store.ReadActivity(writer.RunId).Count();
            Console.WriteLine($"reading the run's {rows:N0} activity rows in step order, every column: {clock.Elapsed.TotalSeconds:F1} s");
            clock.Restart();
            TimeSpan diagnosisCpu = Process.GetCurrentProcess().TotalProcessorTime;
            IReadOnlyList<ReportPanel> diagnosis = new Reports.Contributors.DiagnosisContributor().Contribute(store, store.GetRun(writer.RunId)).ToList();
            Console.WriteLine($"diagnosis panels (read {last:N0} steps × {layers + 1} series and classify): {clock.Elapsed.TotalSeconds:F1} s wall, {(Process.GetCurrentProcess().TotalProcessorTime - diagnosisCpu).TotalSeconds:F1} s CPU; {diagnosis.OfType<StepWindowsPanel>().Sum(p => p.Windows.Count):N0} windows");
            DiagnosisPhases(store, writer.RunId);

            double[] values = Enumerable.Range(0, steps).Select(_ => random.NextDouble()).ToArray();
            int[] selected = new int[4000];
            clock.Restart();
            for (int i = 0; i < 21; i++)
            {
                MinMaxDownsampler.Select(values, 4000, selected);
            }

            Console.WriteLine($"downsampling 21 series of {steps:N0} points to 4,000: {clock.Elapsed.TotalMilliseconds:F1} ms");
            Console.WriteLine($"load average (1, 5, 15 min) at the end: {File.ReadAllText("/proc/loadavg").Trim()} on {Environment.ProcessorCount} cores");
            writer.Complete();
            writer.Dispose();
        }
        finally
        {
            if (keep is null)
            {
                Directory.Delete(folder, recursive: true);
            }
        }
    }

    /// <summary>Times the diagnosis's phases one by one: reading, building the trace, the final evaluation, the windows, their shapes, the first-alarm replay.</summary>
    internal static void DiagnosisPhases(RunStore store, string runId)
    {
        var phases = new List<string>();
        var clock = Stopwatch.StartNew();
        TimeSpan cpu = Process.GetCurrentProcess().TotalProcessorTime;
        void Mark(string name)
        {
            TimeSpan now = Process.GetCurrentProcess().TotalProcessorTime;
            phases.Add($"{name} {clock.Elapsed.TotalSeconds:F2} s ({(now - cpu).TotalSeconds:F2} s CPU)");
            cpu = now;
            clock.Restart();
        }

        List<ActivityRecord> rows = store.ReadActivity(runId, 1, RunTrace.Columns).ToList();
        Mark($"read {rows.Count:N0} rows");
        ActivityClassifier.Traces.RunTrace trace = ActivityClassifier.Traces.RunTrace.FromRecords(rows)[0];
        Mark("trace");
        var core = new ActivityClassifier.Diagnosis.AdvisorCore(new ActivityClassifier.Diagnosis.AdvisorOptions());
        core.Evaluate(trace);
        Mark("final evaluation");
        List<ActivityClassifier.Features.TraceWindow> windows = ActivityClassifier.Features.TraceWindower.Windows(trace).ToList();
        Mark($"cut {windows.Count:N0} windows");
        foreach (ActivityClassifier.Features.TraceWindow w in windows)
        {
            core.Shapes.Predict(w);
        }

        Mark("their shapes");
        long? alarm = core.FirstAlarm(trace);
        Mark($"first-alarm replay (alarm {alarm?.ToString(CultureInfo.InvariantCulture) ?? "none"})");
        Console.WriteLine($"diagnosis phases: {string.Join("; ", phases)}");
    }

    /// <summary>Appends steps: random activity (a spike every 997 steps); with <paramref name="lossSpan"/> &gt; 0, every activity row also
    /// carries the step's loss (as a tracked run's rows do), falling from 2.3 by e⁻³ over that many steps; else no loss in the activity rows.</summary>
    private static void Append(RunWriter writer, long from, long to, int layers, Random random, long lossSpan)
    {
        var rows = new ActivityRecord[layers + 1];
        for (long step = from; step <= to; step++)
        {
            double loss = lossSpan > 0 ? 2.3 * Math.Exp(-3.0 * step / lossSpan) * (1 + (0.1 * random.NextDouble())) : double.NaN;
            writer.WriteStep(step, 1, lossSpan > 0 ? loss : random.NextDouble(), 0.01, 1);
            for (int l = 0; l <= layers; l++)
            {
                rows[l] = new ActivityRecord { Step = step, Epoch = 1, Layer = l == 0 ? ActivityRecord.NetworkLayer : "layer" + l.ToString(CultureInfo.InvariantCulture), Activity = random.NextDouble() * (step % 997 == 0 ? 100 : 1), ExcludedFraction = 0.1, Loss = loss };
            }

            writer.WriteActivity(rows);
        }
    }

    private static int Option(string[] args, string name, int defaultValue)
    {
        int i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? int.Parse(args[i + 1], CultureInfo.InvariantCulture) : defaultValue;
    }
}
