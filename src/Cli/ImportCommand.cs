using System.CommandLine;
using MLGradientInsight.Transforms.Store;
using MLGradientInsight.Transforms.Traces;

namespace MLGradientInsight.Cli;

/// <summary>
/// <c>mlgi import FILE</c>: a CSV trace into the store, one run per distinct <c>run</c> value. A run whose name is
/// already in the store is refused (importing the same file twice would make <c>mlgi export NAME</c> ambiguous);
/// <c>--name</c> imports a one-run file under another name.
/// </summary>
internal static class ImportCommand
{
    public static Command Create(CliConsole console)
    {
        Option<string> store = StoreOptions.Create();
        var file = new Argument<string>("file") { Description = "A CSV trace (trace interchange format)." };
        var name = new Option<string?>("--name") { Description = "Import the file's run under this name (for a file with one run; needed when its name is already in the store)." };
        var command = new Command("import", "Import a CSV trace into the store: one run per distinct 'run' value; a file with any bad line imports nothing.") { file, store, name };
        command.SetAction(r =>
        {
            string path = r.GetValue(file)!;
            if (!File.Exists(path))
            {
                throw CliException.BadData($"Trace file '{path}' does not exist.");
            }

            string? newName = r.GetValue(name);
            string fileName = Path.GetFileNameWithoutExtension(path);
            string[] names = [.. TraceCsv.Read(path).Select(a => a.Run.Length == 0 ? fileName : a.Run).Distinct(StringComparer.Ordinal)];
            if (newName is not null && names.Length > 1)
            {
                throw CliException.Usage($"--name '{newName}': '{path}' holds {names.Length} runs ({string.Join(", ", names.Take(5))}{(names.Length > 5 ? ", …" : "")}), so they cannot share one name. Import it without --name.");
            }

            RunStore s = RunStore.Open(r.GetValue(store)!);
            IReadOnlyList<RunInfo> existing = s.ListRuns();
            foreach (string n in newName is null ? names : [newName])
            {
                if (existing.FirstOrDefault(e => e.Name == n) is { } clash)
                {
                    throw CliException.Usage(
                        $"the store {s.FilePath} already has a run named '{n}' ({clash.Id}, {clash.Status.ToString().ToLowerInvariant()}, {clash.StartedUtc:yyyy-MM-dd HH:mm}Z); importing '{path}' again would make 'mlgi export {n}' ambiguous. "
                        + (names.Length == 1 ? $"Give it another name with --name, or import into another --store." : "Import into another --store."));
                }
            }

            foreach (RunInfo run in s.Import(path, newName))
            {
                console.Line($"imported run {run.Id} ({run.Name}, {run.StepCount} steps) into {s.FilePath}");
            }

            return ExitCodes.Ok;
        });
        return command;
    }
}
