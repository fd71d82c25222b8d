using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using MLGradientInsight.Transforms.Store;
using Spectre.Console;

namespace MLGradientInsight.Cli;

/// <summary>
/// <c>mlgi runs</c>: the runs of a store with status, message and final metrics — a table on a terminal,
/// tab-separated values with a header when piped (stable column order, for scripts), or <c>--json</c>.
/// </summary>
internal static class RunsCommand
{
    /// <summary>The columns of the tab-separated form, in order.</summary>
    internal static readonly string[] Columns = ["id", "name", "status", "started_utc", "ended_utc", "steps", "epochs", "train_loss", "test_loss", "test_accuracy", "message"];

    private static readonly JsonSerializerOptions s_json = new() { WriteIndented = true, PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

    public static Command Create(CliConsole console)
    {
        Option<string> store = StoreOptions.Create();
        var json = new Option<bool>("--json") { Description = "Write the runs as a JSON array (for scripts)." };
        var tsv = new Option<bool>("--tsv") { Description = "Write tab-separated values with a header even on a terminal (the default when output is piped)." };
        var command = new Command("runs", "List the runs in a store: status (running, completed, interrupted, failed), message and final test metrics.") { store, json, tsv };
        command.SetAction(r =>
        {
            if (r.GetValue(json) && r.GetValue(tsv))
            {
                throw CliException.Usage("--json and --tsv choose two formats; give one of them.");
            }

            RunStore s = StoreOptions.OpenExisting(r.GetValue(store)!);
            RunRow[] rows = [.. s.ListRuns().Select(run => RunRow.From(run, s.ReadEpochs(run.Id)))];
            if (r.GetValue(json))
            {
                console.Line(JsonSerializer.Serialize(rows, s_json));
            }
            else if (r.GetValue(tsv) || !console.IsTerminal)
            {
                WriteTsv(rows, console.Out);
            }
            else if (rows.Length == 0)
            {
                console.Line($"no runs in {s.FilePath}");
            }
            else
            {
                WriteTable(rows, console);
            }

            return ExitCodes.Ok;
        });
        return command;
    }

    private static void WriteTsv(IEnumerable<RunRow> rows, TextWriter output)
    {
        output.WriteLine(string.Join('\t', Columns));
        foreach (RunRow r in rows)
        {
            string[] cells = [r.Id, r.Name, r.Status, Time(r.StartedUtc), Time(r.EndedUtc), Number(r.Steps), Number(r.Epochs), Number(r.TrainLoss), Number(r.TestLoss), Number(r.TestAccuracy), r.Message ?? ""];
            output.WriteLine(string.Join('\t', cells.Select(c => c.Replace('\t', ' ').Replace('\n', ' ').Replace('\r', ' '))));
        }
    }

    private static void WriteTable(IEnumerable<RunRow> rows, CliConsole console)
    {
        var table = new Table().AddColumns("run", "name", "status", "started (UTC)", "steps", "test acc", "test loss", "message");
        foreach (RunRow r in rows)
        {
            table.AddRow(
                Markup.Escape(r.Id),
                Markup.Escape(r.Name),
                Markup.Escape(r.Status),
                Markup.Escape(r.StartedUtc.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture)),
                Markup.Escape(Number(r.Steps)),
                Markup.Escape(r.TestAccuracy is double a ? a.ToString("P2", CultureInfo.InvariantCulture) : Missing),
                Markup.Escape(r.TestLoss is double l ? l.ToString("G4", CultureInfo.InvariantCulture) : Missing),
                Markup.Escape(r.Message ?? ""));
        }

        console.Ansi().Write(table);
    }

    /// <summary>What the table shows for a metric the run does not have (accuracy of a regression run, loss of a run without a test set).</summary>
    internal const string Missing = "—";

    private static string Time(DateTime? t) => t?.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture) ?? "";

    private static string Number(double? v) => v is double d && double.IsFinite(d) ? d.ToString("R", CultureInfo.InvariantCulture) : "";

    private static string Number(long v) => v.ToString(CultureInfo.InvariantCulture);

    /// <summary>One run as <c>runs</c> lists it (also the JSON schema, in snake_case).</summary>
    internal sealed record RunRow(string Id, string Name, string Status, DateTime StartedUtc, DateTime? EndedUtc, long Steps, long Epochs, double? TrainLoss, double? TestLoss, double? TestAccuracy, string? Message)
    {
        public static RunRow From(RunInfo run, IReadOnlyList<EpochRecord> epochs)
        {
            EpochRecord? last = epochs.Count > 0 ? epochs[^1] : null;
            return new RunRow(
                run.Id,
                run.Name,
                run.Status.ToString().ToLowerInvariant(),
                run.StartedUtc,
                run.EndedUtc,
                run.StepCount,
                epochs.Count,
                Finite(last?.TrainLoss),
                Finite(last?.ValidationLoss),
                Finite(last?.ValidationAccuracy),
                run.Message);
        }

        private static double? Finite(double? v) => v is double d && double.IsFinite(d) ? d : null;
    }
}
