using System.CommandLine;
using MLGradientInsight.Transforms.Store;

namespace MLGradientInsight.Cli;

/// <summary><c>mlgi export RUN --csv FILE|-</c>: a run's activity trace as CSV (<c>-</c> writes it to stdout, status on stderr).</summary>
internal static class ExportCommand
{
    public static Command Create(CliConsole console)
    {
        Option<string> store = StoreOptions.Create();
        var run = new Argument<string>("run") { Description = "The run id, a unique id prefix or a unique run name (see mlgi runs)." };
        var csv = new Option<string>("--csv") { Description = "The CSV file to write (trace interchange format); - writes to standard output.", Required = true, HelpName = "FILE|-" };
        var command = new Command("export", "Export a run's activity trace as CSV.") { run, csv, store };
        command.SetAction(r =>
        {
            RunStore s = StoreOptions.OpenExisting(r.GetValue(store)!);
            RunInfo info = StoreOptions.FindRun(s, r.GetValue(run)!);
            string target = r.GetValue(csv)!;
            if (target == "-")
            {
                s.Export(info.Id, console.Out);
                console.Out.Flush();
                console.Status($"exported run {info.Id} ({info.Name}) to standard output");
                return ExitCodes.Ok;
            }

            string path = OutputPath.Prepare("--csv", target, console);
            s.Export(info.Id, path);
            console.Status($"exported run {info.Id} ({info.Name}) to {path}");
            return ExitCodes.Ok;
        });
        return command;
    }
}
