using System.CommandLine;
using System.Globalization;
using MLGradientInsight.Transforms.Store;
using Spectre.Console;

namespace MLGradientInsight.Cli;

/// <summary><c>mlgi runs</c>, <c>mlgi export</c>, <c>mlgi import</c>.</summary>
internal static class StoreCommands
{
    public static IEnumerable<Command> Create(IAnsiConsole console)
    {
        yield return Runs(console);
        yield return Export(console);
        yield return Import(console);
    }

    private static Option<string> StoreOption() => new("--store") { Description = "Run store file (SQLite).", DefaultValueFactory = _ => "runs.db" };

    private static Command Runs(IAnsiConsole console)
    {
        Option<string> store = StoreOption();
        var command = new Command("runs", "List the runs in a store with their status (running, completed, interrupted, failed).") { store };
        command.SetAction(pr => MlgiApp.Guard(console, () =>
        {
            RunStore s = OpenExisting(pr.GetValue(store)!);
            IReadOnlyList<RunInfo> runs = s.ListRuns();
            if (runs.Count == 0)
            {
                console.WriteLine($"no runs in {s.FilePath}");
                return MlgiApp.Ok;
            }

            var table = new Table().AddColumns("run", "name", "status", "started (UTC)", "ended (UTC)", "steps");
            foreach (RunInfo r in runs)
            {
                table.AddRow(
                    Markup.Escape(r.Id),
                    Markup.Escape(r.Name ?? ""),
                    Markup.Escape(RunStatusText(r.Status)),
                    r.StartedUtc.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture),
                    r.EndedUtc?.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture) ?? "",
                    r.StepCount.ToString(CultureInfo.InvariantCulture));
            }

            console.Write(table);
            return MlgiApp.Ok;
        }));
        return command;
    }

    private static Command Export(IAnsiConsole console)
    {
        Option<string> store = StoreOption();
        var run = new Argument<string>("run") { Description = "The run id, a unique id prefix or a unique run name (see mlgi runs)." };
        var csv = new Option<string>("--csv") { Description = "The CSV file to write (trace interchange format).", Required = true };
        var command = new Command("export", "Export a run's activity trace as CSV.") { run, csv, store };
        command.SetAction(pr => MlgiApp.Guard(console, () =>
        {
            RunStore s = OpenExisting(pr.GetValue(store)!);
            RunInfo info = s.FindRun(pr.GetValue(run)!);
            s.Export(info.Id, pr.GetValue(csv)!);
            console.WriteLine($"exported run {info.Id} ({info.Name}) to {pr.GetValue(csv)}");
            return MlgiApp.Ok;
        }));
        return command;
    }

    private static Command Import(IAnsiConsole console)
    {
        Option<string> store = StoreOption();
        var file = new Argument<string>("file") { Description = "A CSV trace (trace interchange format)." };
        var command = new Command("import", "Import a CSV trace into the store: one run per distinct 'run' value; a file with any bad line imports nothing.") { file, store };
        command.SetAction(pr => MlgiApp.Guard(console, () =>
        {
            string path = pr.GetValue(file)!;
            if (!File.Exists(path))
            {
                throw new CliException($"Trace file '{path}' does not exist.", MlgiApp.DataError);
            }

            RunStore s = RunStore.Open(pr.GetValue(store)!);
            foreach (RunInfo r in s.Import(path))
            {
                console.WriteLine($"imported run {r.Id} ({r.Name}, {r.StepCount} steps)");
            }

            return MlgiApp.Ok;
        }));
        return command;
    }

    private static RunStore OpenExisting(string path) => File.Exists(path)
        ? RunStore.Open(path)
        : throw new CliException($"Run store '{path}' does not exist. Record a run with 'mlgi train --track --store {path}' or import one with 'mlgi import FILE --store {path}'.", MlgiApp.DataError);

    private static string RunStatusText(RunStatus status) => status.ToString().ToLowerInvariant();
}
