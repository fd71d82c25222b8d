using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using MLGradientInsight.Transforms.Store;
using Spectre.Console;

namespace MLGradientInsight.Cli;

/// <summary>
/// <c>mlgi runs</c>: the runs of a store with status, message and final metrics — a table on a terminal,
/// tab-separated values with a header when piped (stable column order, for scripts), or <c>--json</c>;
/// <c>mlgi runs --decisions RUN</c>: the <c>--auto-adjust</c> decisions of one run, in the same three forms.
/// </summary>
internal static class RunsCommand
{
    /// <summary>The columns of the tab-separated form, in order.</summary>
    internal static readonly string[] Columns = ["id", "name", "status", "started_utc", "ended_utc", "steps", "epochs", "train_loss", "test_loss", "test_accuracy", "message"];

    /// <summary>The columns of the tab-separated form of <c>--decisions</c>, in order.</summary>
    internal static readonly string[] DecisionColumns = ["step", "action", "outcome", "old_lr", "new_lr", "evidence"];

    private static readonly JsonSerializerOptions s_json = new() { WriteIndented = true, PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

    public static Command Create(CliConsole console)
    {
        Option<string> store = StoreOptions.Create();
        var json = new Option<bool>("--json") { Description = "Write the runs as a JSON array (for scripts)." };
        var tsv = new Option<bool>("--tsv") { Description = "Write tab-separated values with a header even on a terminal (the default when output is piped)." };
        var decisions = new Option<string?>("--decisions") { Description = "List one run's --auto-adjust decisions instead (step, action, outcome, learning rate before and after, evidence); RUN is a run id, a unique id prefix or a name.", HelpName = "RUN" };
        var command = new Command("runs", "List the runs in a store: status (running, completed, interrupted, failed), message and final test metrics.") { store, json, tsv, decisions };
        command.SetAction(r =>
        {
            if (r.GetValue(json) && r.GetValue(tsv))
            {
                throw CliException.Usage("--json and --tsv choose two formats; give one of them.");
            }

            RunStore s = StoreOptions.OpenExisting(r.GetValue(store)!);
            if (r.GetValue(decisions) is { } runName)
            {
                WriteDecisions(s, StoreOptions.FindRun(s, runName), r.GetValue(json) ? "json" : r.GetValue(tsv) || !console.IsTerminal ? "tsv" : "table", console);
                return ExitCodes.Ok;
            }

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

    private static void WriteTsv(IEnumerable<RunRow> rows, TextWriter output) => WriteTsv(Columns, rows.Select(r => new[]
    {
        r.Id, r.Name, r.Status, Time(r.StartedUtc), Time(r.EndedUtc), Number(r.Steps), Number(r.Epochs), Number(r.TrainLoss), Number(r.TestLoss), Number(r.TestAccuracy), r.Message ?? "",
    }), output);

    private static void WriteTsv(string[] header, IEnumerable<string[]> rows, TextWriter output)
    {
        output.WriteLine(string.Join('\t', header));
        foreach (string[] cells in rows)
        {
            output.WriteLine(string.Join('\t', cells.Select(c => c.Replace('\t', ' ').Replace('\n', ' ').Replace('\r', ' '))));
        }
    }

    private static void WriteDecisions(RunStore store, RunInfo run, string format, CliConsole console)
    {
        DecisionRow[] rows = [.. store.ReadAdvisorActions(run.Id).Select(a => new DecisionRow(a.Step, a.Action, a.Outcome, Finite(a.OldLearningRate), Finite(a.NewLearningRate), a.Evidence))];
        if (format == "json")
        {
            console.Line(JsonSerializer.Serialize(rows, s_json));
        }
        else if (format == "tsv")
        {
            WriteTsv(DecisionColumns, rows.Select(d => new[] { Number(d.Step), d.Action, d.Outcome, Number(d.OldLr), Number(d.NewLr), d.Evidence }), console.Out);
        }
        else if (rows.Length == 0)
        {
            console.Line($"run {run.Id} has no --auto-adjust decisions (it was trained without --auto-adjust, or the advisor never asked for a learning-rate change).");
        }
        else
        {
            var table = new Table().AddColumns("step", "action", "outcome", "learning rate", "evidence");
            foreach (DecisionRow d in rows)
            {
                string lr = d.Outcome == AdvisorActionRecord.Applied
                    ? string.Create(CultureInfo.InvariantCulture, $"{d.OldLr:G4} → {d.NewLr:G4}")
                    : string.Create(CultureInfo.InvariantCulture, $"{d.OldLr:G4}");
                table.AddRow(Markup.Escape(Number(d.Step)), Markup.Escape(d.Action), Markup.Escape(d.Outcome), Markup.Escape(lr), Markup.Escape(d.Evidence));
            }

            console.Ansi().Write(table);
        }
    }

    private static double? Finite(double v) => double.IsFinite(v) ? v : null;

    /// <summary>One <c>--auto-adjust</c> decision as <c>runs --decisions</c> lists it (also the JSON schema, in snake_case).</summary>
    internal sealed record DecisionRow(long Step, string Action, string Outcome, double? OldLr, double? NewLr, string Evidence);

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
