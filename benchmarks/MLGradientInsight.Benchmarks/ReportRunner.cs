using System.Diagnostics;
using System.Globalization;
using MLGradientInsight.Reports;
using MLGradientInsight.Reports.Data;
using MLGradientInsight.Reports.Downsampling;
using MLGradientInsight.Reports.Html;
using MLGradientInsight.Reports.Model;
using MLGradientInsight.Transforms.Activity;
using MLGradientInsight.Transforms.Store;

namespace MLGradientInsight.Benchmarks;

/// <summary>
/// <c>report [--steps 100000] [--layers 20]</c>: writes a synthetic run of that size into a fresh store, then times
/// what <c>mlgi report</c> and the dashboard do with it: the full read + downsampling, the HTML, a dashboard poll after
/// 100 more steps (whole report and incremental report, with the layer listing they include), the diagnosis panel, and
/// the downsampling alone. Prints the load average, since the development machines are shared.
/// </summary>
internal static class ReportRunner
{
    public static void Run(string[] args)
    {
        int steps = Option(args, "--steps", 100_000);
        int layers = Option(args, "--layers", 20);
        bool only = args.Contains("--write-only");
        string? keep = Array.IndexOf(args, "--keep") is int k and >= 0 && k + 1 < args.Length ? Path.GetFullPath(args[k + 1]) : null;
        string folder = keep ?? Path.Combine(Path.GetTempPath(), "mlgi-report-bench-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        try
        {
            RunStore store = RunStore.Open(Path.Combine(folder, "runs.db"));
            var random = new Random(1);
            var clock = Stopwatch.StartNew();
            RunWriter writer = store.StartRun("bench");
            Append(writer, 1, steps, layers, random);
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

                Append(writer, last + 1, last + 100, layers, random);
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
            Console.WriteLine($"reading the run's {rows:N0} activity rows in step order (what the diagnosis reads first): {clock.Elapsed.TotalSeconds:F1} s");
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
        var clock = Stopwatch.StartNew();
        List<ActivityRecord> rows = store.ReadActivity(runId, 1, Reports.Contributors.DiagnosisContributor.TraceColumns).ToList();
        double read = clock.Elapsed.TotalSeconds;
        clock.Restart();
        ActivityClassifier.Traces.RunTrace trace = ActivityClassifier.Traces.RunTrace.FromRecords(rows)[0];
        double build = clock.Elapsed.TotalSeconds;
        var core = new ActivityClassifier.Diagnosis.AdvisorCore(new ActivityClassifier.Diagnosis.AdvisorOptions());
        clock.Restart();
        core.Evaluate(trace);
        double evaluate = clock.Elapsed.TotalSeconds;
        clock.Restart();
        List<ActivityClassifier.Features.TraceWindow> windows = ActivityClassifier.Diagnosis.TraceDiagnoser.AllWindows(trace).ToList();
        double cut = clock.Elapsed.TotalSeconds;
        clock.Restart();
        foreach (ActivityClassifier.Features.TraceWindow w in windows)
        {
            core.Shapes.Predict(w);
        }

        double shapes = clock.Elapsed.TotalSeconds;
        clock.Restart();
        long? alarm = core.FirstAlarm(trace);
        double replay = clock.Elapsed.TotalSeconds;
        Console.WriteLine($"diagnosis phases: read {rows.Count:N0} rows {read:F2} s; trace {build:F2} s; final evaluation {evaluate:F2} s; cut {windows.Count:N0} windows {cut:F2} s; their shapes {shapes:F2} s; first-alarm replay {replay:F2} s (alarm {alarm?.ToString(CultureInfo.InvariantCulture) ?? "none"})");
    }

    private static void Append(RunWriter writer, long from, long to, int layers, Random random)
    {
        var rows = new ActivityRecord[layers + 1];
        for (long step = from; step <= to; step++)
        {
            writer.WriteStep(step, 1, random.NextDouble(), 0.01, 1);
            for (int l = 0; l <= layers; l++)
            {
                rows[l] = new ActivityRecord { Step = step, Epoch = 1, Layer = l == 0 ? ActivityRecord.NetworkLayer : "layer" + l.ToString(CultureInfo.InvariantCulture), Activity = random.NextDouble() * (step % 997 == 0 ? 100 : 1), ExcludedFraction = 0.1 };
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
