using System.CommandLine;
using MLGradientInsight.Analyses.Evaluation;
using MLGradientInsight.Analyses.LinearPath;
using MLGradientInsight.Analyses.Storage;
using Spectre.Console;

namespace MLGradientInsight.Cli;

/// <summary><c>mlgi interpolate CKPT0 CKPT1</c>: loss and accuracy along θα = (1 − α)·θ0 + α·θ1 (002, Goodfellow &amp; Vinyals 2015).</summary>
internal static class InterpolateCommand
{
    public static Command Create(CliConsole cli)
    {
        IAnsiConsole console = cli.Ansi();
        var from = new Argument<string>("ckpt0") { Description = "θ0: the start checkpoint (.safetensors), usually the initial weights (step-00000000)." };
        var to = new Argument<string>("ckpt1") { Description = "θ1: the end checkpoint, usually the trained weights." };
        var perLayer = new Option<bool>("--per-layer") { Description = "Move one layer at a time, the others at θ1 (002 §5)." };
        var perParameter = NumberOption.Create<int>("--per-parameter", "Move N sampled scalar parameters per layer, one at a time (002 §6)", NumberRange.AtLeast(1));
        var alpha = new Option<string>("--alpha") { Description = "α grid START:END:COUNT; 0 and 1 are always included; outside [0, 1] extrapolates.", DefaultValueFactory = _ => AlphaGrid.Default };
        var setup = new AnalysisSetup();
        var command = new Command("interpolate", "Evaluate the model along the straight line between two checkpoints: whole model, per layer or per sampled parameter, with distances travelled.")
        {
            from, to, perLayer, perParameter, alpha,
        };
        setup.AddTo(command);
        command.SetAction(pr =>
        {
            if (pr.GetValue(perLayer) && pr.GetValue(perParameter) is not null)
            {
                throw new CliException("Give either --per-layer or --per-parameter N, not both.");
            }


            IReadOnlyList<double> alphas;
            try
            {
                alphas = AlphaGrid.Parse(pr.GetValue(alpha)!);
            }
            catch (FormatException e)
            {
                throw new CliException("--alpha: " + e.Message);
            }

            string path0 = pr.GetValue(from)!, path1 = pr.GetValue(to)!;
            ModelState theta0 = AnalysisSetup.LoadState(path0), theta1 = AnalysisSetup.LoadState(path1);
            SequentialModelEvaluator evaluator = setup.CreateEvaluator(pr, theta1, path1, console);
            var options = new LinearPathOptions
            {
                Alphas = alphas,
                Scope = pr.GetValue(perLayer) ? LinearPathScope.Layer : pr.GetValue(perParameter) is null ? LinearPathScope.Model : LinearPathScope.Parameter,
                ParametersPerLayer = pr.GetValue(perParameter) ?? 10,
                Seed = setup.Seed(pr),
            };
            LinearPathResult result = AnalysisSetup.WithProgress(
                console, "interpolating", LinearPathAnalyzer.Plan(evaluator, options), p => LinearPathAnalyzer.Run(evaluator, theta0, theta1, options, p));
            Print(console, result, options);
            Save(console, pr, setup, path0, path1, theta1, options, result);
            return ExitCodes.Ok;
        });
        return command;
    }

    private static void Print(IAnsiConsole console, LinearPathResult result, LinearPathOptions options)
    {
        var table = new Table().AddColumns("target", "α", "loss", "accuracy");
        foreach (IGrouping<string, LinearPathPoint> g in result.Points.GroupBy(p => p.Target).Take(options.Scope == LinearPathScope.Parameter ? 8 : int.MaxValue))
        {
            foreach (LinearPathPoint p in g)
            {
                table.AddRow(Markup.Escape(p.Target), F(p.Alpha), F(p.Loss), double.IsNaN(p.Accuracy) ? "" : F(p.Accuracy));
            }
        }

        console.Write(table);
        var distances = new Table().AddColumns("layer", "parameters", "distance", "initial norm", "relative");
        foreach (ParameterDistance d in result.Distances.Where(d => d.Scope is "model" or "layer"))
        {
            distances.AddRow(Markup.Escape(d.Target), d.Count.ToString("N0", System.Globalization.CultureInfo.InvariantCulture), F(d.Distance), F(d.InitialNorm), F(d.RelativeDistance));
        }

        console.Write(distances);
        console.MarkupLine("[grey]BatchNorm running statistics, if any, are interpolated with their layer (not recomputed).[/]");
    }

    private static void Save(IAnsiConsole console, ParseResult pr, AnalysisSetup setup, string path0, string path1, ModelState theta1, LinearPathOptions options, LinearPathResult result)
    {
        if (pr.GetValue(setup.Csv) is string csv)
        {
            AnalysisCsv.Write(csv, result.Points);
            string distances = Path.ChangeExtension(csv, null) + ".distances.csv";
            AnalysisCsv.Write(distances, result.Distances);
            console.WriteLine($"wrote {csv} and {distances}");
        }

        if (!pr.GetValue(setup.NoStore))
        {
            AnalysisStore store = AnalysisStore.Open(pr.GetValue(setup.Store)!);
            string? runId = AnalysisSetup.RunOf(store, path1, theta1.Metadata);
            string id = store.SaveLinearPath(
                runId, $"{Path.GetFullPath(path0)} -> {Path.GetFullPath(path1)}",
                AnalysisSetup.Json(("scope", options.Scope.ToString().ToLowerInvariant()), ("alphas", options.Alphas), ("parameters_per_layer", options.ParametersPerLayer), ("seed", options.Seed)),
                result);
            console.WriteLine(AnalysisSetup.Saved(id, pr.GetValue(setup.Store)!, "tables linear_path, parameter_distance", runId));
        }
    }

    private static string F(double v) => v.ToString("G5", System.Globalization.CultureInfo.InvariantCulture);
}
