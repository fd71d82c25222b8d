using System.CommandLine;
using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;
using MLGradientInsight.ActivityClassifier.Actions;
using MLGradientInsight.ActivityClassifier.Diagnosis;
using MLGradientInsight.ActivityClassifier.Shapes;
using MLGradientInsight.Transforms.Activity;
using MLGradientInsight.Transforms.Store;
using MLGradientInsight.Transforms.Traces;
using Spectre.Console;

namespace MLGradientInsight.Cli;

/// <summary><c>mlgi diagnose RUN|FILE.csv [--json] [--store …] [--advisor model|rules]</c>: shapes, ranked actions and layer findings.</summary>
internal static class DiagnoseCommand
{
    private static readonly JsonSerializerOptions s_json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        WriteIndented = false,
    };

    public static Command Create(CliConsole cli)
    {
        IAnsiConsole console = cli.Ansi();
        var input = new Argument<string>("run-or-file") { Description = "A trace CSV file, or a run id / id prefix / name in the store." };
        var json = new Option<bool>("--json") { Description = "Write one JSON object to stdout (schema: docs/classifier.md)." };
        var store = new Option<string>("--store") { Description = "Run store file (SQLite).", DefaultValueFactory = _ => "runs.db" };
        var advisor = new Option<string>("--advisor") { Description = "Which advisor ranks actions: model (the ML.NET action model) or rules (the paper's reading).", DefaultValueFactory = _ => "model" };
        advisor.AcceptOnlyFromAmong("model", "rules");
        var models = new Option<string?>("--models") { Description = "A directory with shape-model.zip and action-model.zip from `mlgi classifier train --output` (default: the shipped models)." };
        var threshold = NumberOption.Create<double>(
            "--alarm-threshold",
            "Probability the action model must give an action other than continue before it ranks it first; the default is the shipped models' cross-validated threshold, and `mlgi classifier train --output` prints the one for the models it writes",
            NumberRange.Between(0, 1),
            AdvisorOptions.DefaultAlarmThreshold);
        var command = new Command("diagnose", "Classify a run's activity (uniform, chaotic, rising, decaying per window and layer) and recommend actions with evidence. Exit code 0 whatever it finds.")
        {
            input, json, store, advisor, models, threshold,
        };
        command.SetAction(pr =>
        {
            IReadOnlyList<ActivityRecord> records = Load(pr.GetValue(input)!, pr.GetValue(store)!);
            var options = new AdvisorOptions
            {
                Kind = pr.GetValue(advisor) == "rules" ? AdvisorKind.Rules : AdvisorKind.Model,
                AlarmThreshold = pr.GetValue(threshold) ?? AdvisorOptions.DefaultAlarmThreshold,
            };
            if (pr.GetValue(models) is { } dir)
            {
                options = options with { ShapeModel = LoadModel(dir, "shape-model.zip", ShapeModel.Load), ActionModel = LoadModel(dir, "action-model.zip", ActionModel.Load) };
            }

            var diagnoser = new TraceDiagnoser(options);
            IReadOnlyList<RunDiagnosis> runs = diagnoser.Diagnose(records);
            if (pr.GetValue(json))
            {
                cli.Out.WriteLine(JsonSerializer.Serialize(new DiagnoseOutput(runs), s_json));
            }
            else
            {
                Print(console, runs);
            }

            return ExitCodes.Ok;
        });
        return command;
    }

    private static T LoadModel<T>(string directory, string file, Func<Stream, T> load)
    {
        string path = Path.Combine(directory, file);
        if (!File.Exists(path))
        {
            throw new CliException($"The model file '{path}' does not exist. Write both models with `mlgi classifier train --output {directory}`.", ExitCodes.DataError);
        }

        using FileStream stream = File.OpenRead(path);
        return load(stream);
    }

    /// <summary>Whether <paramref name="path"/> starts with SQLite's file header (a run store given where a trace was expected).</summary>
    private static bool IsSqlite(string path)
    {
        ReadOnlySpan<byte> magic = "SQLite format 3\0"u8;
        Span<byte> head = stackalloc byte[16];
        using FileStream f = File.OpenRead(path);
        return f.ReadAtLeast(head, head.Length, throwOnEndOfStream: false) == head.Length && head.SequenceEqual(magic);
    }

    private static IReadOnlyList<ActivityRecord> Load(string input, string store)
    {
        if (File.Exists(input))
        {
            if (IsSqlite(input))
            {
                throw CliException.Usage($"'{input}' is a run store, not a trace file. Pass a run and the store: mlgi diagnose RUN --store {input} (list the runs with mlgi runs --store {input}).");
            }

            IReadOnlyList<ActivityRecord> records = TraceCsv.Read(input);
            return records.Count > 0 ? records : throw new CliException($"The trace file '{input}' has a header but no rows; nothing to diagnose.", ExitCodes.DataError);
        }

        if (input.EndsWith(".csv", StringComparison.OrdinalIgnoreCase))
        {
            throw new CliException($"The trace file '{input}' does not exist. Check the path (or pass a run id from `mlgi runs`).", ExitCodes.DataError);
        }

        if (!File.Exists(store))
        {
            throw new CliException($"'{input}' is neither a trace file nor a run: the run store '{store}' does not exist. Pass a CSV trace, or --store with the store that holds the run.", ExitCodes.DataError);
        }

        RunStore s = RunStore.Open(store);
        RunInfo info = StoreOptions.FindRun(s, input);
        return [.. s.ReadActivity(info.Id).Select(r => r with { Run = info.Name ?? info.Id })];
    }

    private static void Print(IAnsiConsole console, IReadOnlyList<RunDiagnosis> runs)
    {
        foreach (RunDiagnosis d in runs)
        {
            string name = d.Run.Length == 0 ? "(unnamed run)" : d.Run;
            console.MarkupLine($"[bold]{Markup.Escape(name)}[/] — {d.Steps} steps, first alarm: {(d.FirstAlarmStep is { } s ? $"step {s}" : "none")}");
            var actions = new Table().AddColumns("action", "score", "evidence");
            foreach (var a in d.Actions.Where(a => a.Score >= 0.05).DefaultIfEmpty(d.Actions[0]))
            {
                actions.AddRow(Markup.Escape(a.Action), a.Score.ToString("0.00", CultureInfo.InvariantCulture), Markup.Escape(a.Evidence));
            }

            console.Write(actions);
            var network = d.Windows.Where(w => w.Layer == ActivityRecord.NetworkLayer).ToList();
            if (network.Count > 0)
            {
                console.WriteLine("network shape per window: " + string.Join(", ", network.Select(w => $"{w.StartStep}–{w.EndStep} {w.Shape} ({w.Probabilities[w.Shape]:0.00})")));
            }

            foreach (LayerFinding f in d.Layers)
            {
                console.MarkupLine($"  [bold]{Markup.Escape(f.Layer)}[/]: {Markup.Escape(f.Finding)}");
            }

            console.WriteLine();
        }
    }

    private sealed record DiagnoseOutput(IReadOnlyList<RunDiagnosis> Runs);
}
