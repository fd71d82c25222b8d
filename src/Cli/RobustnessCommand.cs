using System.CommandLine;
using System.Globalization;
using MLGradientInsight.Analyses.Evaluation;
using MLGradientInsight.Analyses.Robustness;
using MLGradientInsight.Analyses.Storage;
using Spectre.Console;

namespace MLGradientInsight.Cli;

/// <summary><c>mlgi robustness CKPT0 CKPT1</c>: re-initialisation and re-randomisation robustness per layer (Zhang, Bengio &amp; Singer 2019).</summary>
internal static class RobustnessCommand
{
    public static Command Create(CliConsole cli)
    {
        IAnsiConsole console = cli.Ansi();
        var from = new Argument<string>("ckpt0") { Description = "θ0: the initial checkpoint (re-initialisation resets a layer to it)." };
        var to = new Argument<string>("ckpt1") { Description = "θ1: the trained checkpoint." };
        var threshold = NumberOption.Create<double>("--threshold", "A reset that raises the error (1 − accuracy) by at least this much (regression: the loss by this fraction) makes the layer critical", NumberRange.Positive, RobustnessOptions.DefaultThreshold);
        var draws = NumberOption.Create<int>("--draws", "Fresh draws per layer for re-randomisation (averaged)", NumberRange.AtLeast(1), 1);
        var setup = new AnalysisSetup();
        var command = new Command("robustness", "Reset one layer at a time (to θ0, and to a fresh random draw) and say which layers are robust and which critical.")
        {
            from, to, threshold, draws,
        };
        setup.AddTo(command);
        command.SetAction(pr =>
        {
            string path0 = pr.GetValue(from)!, path1 = pr.GetValue(to)!;
            var options = new RobustnessOptions { Threshold = pr.GetValue(threshold)!.Value, Draws = pr.GetValue(draws)!.Value, Seed = setup.Seed(pr) };
            try
            {
                options.Validate();
            }
            catch (ArgumentException e)
            {
                throw new CliException($"--{(e.ParamName == nameof(RobustnessOptions.Draws) ? "draws" : "threshold")}: {e.Message.Split(" (Parameter")[0]}");
            }

            ModelState theta0 = AnalysisSetup.LoadState(path0), theta1 = AnalysisSetup.LoadState(path1);
            SequentialModelEvaluator evaluator = setup.CreateEvaluator(pr, theta1, path1, console);
            RobustnessResult result = AnalysisSetup.WithProgress(
                console, "resetting layers", LayerRobustnessAnalyzer.Plan(evaluator, options), p => LayerRobustnessAnalyzer.Run(evaluator, theta0, theta1, options, p));
            var table = new Table().AddColumns("layer", "reset", "loss", "accuracy", "damage", "verdict");
            foreach (LayerRobustness r in result.Layers)
            {
                table.AddRow(Markup.Escape(r.Layer), r.Mode, F(r.Loss), double.IsNaN(r.Accuracy) ? "" : F(r.Accuracy), F(r.Damage), r.Verdict == "critical" ? "[red]critical[/]" : "robust");
            }

            console.Write(table);
            console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"trained: loss {result.Trained.Loss:G5}{(double.IsNaN(result.Trained.Accuracy) ? "" : $", accuracy {result.Trained.Accuracy:G5}")}; critical = damage ≥ {options.Threshold} ({(double.IsNaN(result.Trained.Accuracy) ? "relative loss rise" : "error rise")}), robust otherwise (Zhang et al.'s terms)."));
            if (pr.GetValue(setup.Csv) is string csv)
            {
                AnalysisCsv.Write(csv, result.Layers);
                console.WriteLine($"wrote {csv}");
            }

            if (!pr.GetValue(setup.NoStore))
            {
                AnalysisStore store = AnalysisStore.Open(pr.GetValue(setup.Store)!);
                string? runId = AnalysisSetup.RunOf(store, path1, theta1.Metadata);
                string id = store.SaveRobustness(
                    runId, $"{Path.GetFullPath(path0)} -> {Path.GetFullPath(path1)}",
                    AnalysisSetup.Json(("threshold", options.Threshold), ("draws", options.Draws), ("seed", options.Seed)), result);
                console.WriteLine(AnalysisSetup.Saved(id, pr.GetValue(setup.Store)!, "table layer_robustness", runId));
            }

            return ExitCodes.Ok;
        });
        return command;
    }

    private static string F(double v) => v.ToString("G5", CultureInfo.InvariantCulture);
}
