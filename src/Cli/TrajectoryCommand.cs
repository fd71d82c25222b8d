using System.CommandLine;
using System.Globalization;
using MLGradientInsight.Analyses.Checkpoints;
using MLGradientInsight.Analyses.Evaluation;
using MLGradientInsight.Analyses.Storage;
using MLGradientInsight.Analyses.Trajectory;
using MLGradientInsight.Transforms.Store;
using Spectre.Console;

namespace MLGradientInsight.Cli;

/// <summary><c>mlgi trajectory RUN</c>: 001's picture of the training path from a run's checkpoints, weighted (UPD 2) and PCA variants, regime labels.</summary>
internal static class TrajectoryCommand
{
    public static Command Create(CliConsole cli)
    {
        IAnsiConsole console = cli.Ansi();
        var run = new Argument<string>("run") { Description = "A checkpoint folder (mlgi train --checkpoint-every N --checkpoint-dir DIR), or a tracked run's id or name whose checkpoints the store lists." };
        var weighted = new Option<bool>("--weighted") { Description = "Also draw the picture with each weight scaled by its RMS gradient over the run (001 UPD 2)." };
        var pca = new Option<bool>("--pca") { Description = "Also project on the first two principal components, beside a random walk with the same step lengths." };
        var seed = NumberOption.Create<int>("--seed", "Seed of the random directions (and of the random walk)", NumberRange.NonNegative, 1);
        var window = NumberOption.Create<int>("--window", "Points per regime window", NumberRange.AtLeast(3), TrajectoryAnalyzer.DefaultWindow);
        var canyon = NumberOption.Create<double>("--canyon-threshold", "Efficiency (displacement / path length) at or above which a window is a canyon", NumberRange.Between(0, 1), TrajectoryAnalyzer.DefaultCanyonThreshold);
        var csv = new Option<string?>("--csv") { Description = "Write the points to this CSV (and FILE.windows.csv, FILE.variance.csv)." };
        var store = new Option<string>("--store") { Description = "Run store file (SQLite).", DefaultValueFactory = _ => "runs.db" };
        var noStore = new Option<bool>("--no-store") { Description = "Do not save the result in the store." };
        var command = new Command("trajectory", "Draw the training path in the plane (001): one point per checkpoint, with the loss, and label each window canyon or circling.")
        {
            run, weighted, pca, seed, window, canyon, csv, store, noStore,
        };
        command.SetAction(pr =>
        {
            if (pr.GetValue(window)!.Value < 3)
            {
                throw new CliException($"--window must be at least 3 points; got {pr.GetValue(window)!.Value}.");
            }

            double threshold = pr.GetValue(canyon)!.Value;
            if (!(threshold > 0 && threshold <= 1))
            {
                throw new CliException(string.Create(CultureInfo.InvariantCulture, $"--canyon-threshold is an efficiency in (0, 1]; got {threshold}."));
            }

            (CheckpointSeries series, string? runId) = Resolve(pr.GetValue(run)!, pr.GetValue(store)!);
            if (pr.GetValue(weighted) && series.GradientRmsPath is null)
            {
                throw new CliException(
                    $"--weighted needs {CheckpointSeries.GradientRmsFileName} in '{series.Directory}', which mlgi train writes when a run with --checkpoint-every finishes. This run did not finish; draw it without --weighted.",
                    ExitCodes.DataError);
            }

            int k = series.Entries.Count;
            int variants = 1 + (pr.GetValue(weighted) ? 1 : 0) + (pr.GetValue(pca) ? 1 : 0);
            console.MarkupLine($"[grey]checkpoints[/] {k} in {Markup.Escape(series.Directory)}  [grey]cost[/] {k * variants:N0} checkpoint reads, no model evaluations");
            var points = new List<TrajectoryPoint>();
            var variance = new List<ExplainedVariance>();
            console.Progress().AutoClear(false).Start(ctx =>
            {
                ProgressTask task = ctx.AddTask("projecting", maxValue: k * variants);
                points.AddRange(TrajectoryAnalyzer.Project(series, pr.GetValue(seed)!.Value, null, new Synchronous(() => task.Increment(1))));
                if (pr.GetValue(weighted))
                {
                    points.AddRange(TrajectoryAnalyzer.Project(series, pr.GetValue(seed)!.Value, ModelState.Load(series.GradientRmsPath!), new Synchronous(() => task.Increment(1))));
                }

                if (pr.GetValue(pca))
                {
                    PcaTrajectory p = TrajectoryAnalyzer.Pca(series, pr.GetValue(seed)!.Value, new Synchronous(() => task.Increment(1)));
                    points.AddRange(p.Points);
                    points.AddRange(p.RandomWalkPoints);
                    variance.AddRange(ExplainedVariance.Rows(p));
                }

                task.Value = task.MaxValue;
            });
            List<TrajectoryWindow> windows = [.. points.GroupBy(p => p.Variant).SelectMany(g => TrajectoryAnalyzer.LabelRegimes([.. g], pr.GetValue(window)!.Value, threshold))];
            Print(console, points, windows, variance);
            if (pr.GetValue(csv) is string file)
            {
                string stem = Path.ChangeExtension(file, null);
                AnalysisCsv.Write(file, points);
                AnalysisCsv.Write(stem + ".windows.csv", windows);
                AnalysisCsv.Write(stem + ".variance.csv", variance);
                console.WriteLine($"wrote {file}, {stem}.windows.csv, {stem}.variance.csv");
            }

            if (!pr.GetValue(noStore))
            {
                string id = AnalysisStore.Open(pr.GetValue(store)!).SaveTrajectory(
                    runId, Path.GetFullPath(series.Directory),
                    AnalysisSetup.Json(("seed", pr.GetValue(seed)!.Value), ("weighted", pr.GetValue(weighted)), ("pca", pr.GetValue(pca)), ("window", pr.GetValue(window)!.Value), ("canyon_threshold", threshold)),
                    points, windows, variance);
                console.WriteLine(AnalysisSetup.Saved(id, pr.GetValue(store)!, "tables trajectory_points, trajectory_windows, trajectory_variance", runId));
            }

            return ExitCodes.Ok;
        });
        return command;
    }

    private static (CheckpointSeries Series, string? RunId) Resolve(string run, string storePath)
    {
        if (Directory.Exists(run))
        {
            return (CheckpointSeries.Read(run), null);
        }

        if (!File.Exists(storePath))
        {
            throw new CliException($"'{run}' is not a checkpoint folder, and the run store '{storePath}' does not exist to look it up as a run. Pass the folder given to --checkpoint-dir, or --store FILE.", ExitCodes.DataError);
        }

        AnalysisStore store = AnalysisStore.Open(storePath);
        RunInfo info = StoreOptions.FindRun(store.Runs, run);

        IReadOnlyList<CheckpointEntry> saved = store.ReadCheckpoints(info.Id);
        if (saved.Count == 0)
        {
            throw new CliException($"Run {info.Id} ({info.Name}) kept no checkpoints. Train with 'mlgi train --track --checkpoint-every N' to keep them.", ExitCodes.DataError);
        }

        return (CheckpointSeries.Read(Path.GetDirectoryName(saved[0].Path)!), info.Id);
    }

    private static void Print(IAnsiConsole console, List<TrajectoryPoint> points, List<TrajectoryWindow> windows, List<ExplainedVariance> variance)
    {
        var table = new Table().AddColumns("variant", "points", "steps", "windows canyon / circling", "PC1", "PC2");
        foreach (IGrouping<string, TrajectoryPoint> g in points.GroupBy(p => p.Variant))
        {
            TrajectoryWindow[] w = [.. windows.Where(x => x.Variant == g.Key)];
            double[] v = [.. variance.Where(x => x.Variant == g.Key).OrderBy(x => x.Component).Select(x => x.Explained)];
            table.AddRow(
                g.Key, g.Count().ToString(CultureInfo.InvariantCulture), $"{g.First().Step}–{g.Last().Step}",
                $"{w.Count(x => x.Regime == "canyon")} / {w.Count(x => x.Regime == "circling")}",
                v.Length > 0 ? v[0].ToString("P1", CultureInfo.InvariantCulture) : "",
                v.Length > 1 ? v[1].ToString("P1", CultureInfo.InvariantCulture) : "");
        }

        console.Write(table);
    }

    /// <summary>Reports on the calling thread (System.Progress posts to the thread pool).</summary>
    private sealed class Synchronous(Action onReport) : IProgress<long>
    {
        public void Report(long value) => onReport();
    }
}
