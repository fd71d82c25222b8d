using System.CommandLine;
using MLGradientInsight.ActivityClassifier.Training;
using Spectre.Console;

namespace MLGradientInsight.Cli;

/// <summary><c>mlgi classifier train</c>: rebuild the shipped shape and action models from the corpus and evaluate them.</summary>
internal static class ClassifierCommand
{
    public static Command Create(CliConsole cli)
    {
        IAnsiConsole console = cli.Ansi();
        var corpus = new Option<string>("--corpus") { Description = "The corpus directory (runs.csv + traces.csv.gz).", DefaultValueFactory = _ => "data/classifier-corpus" };
        var output = new Option<string?>("--output") { Description = "Where to write shape-model.zip and action-model.zip (the shipped ones live in src/ActivityClassifier/Models)." };
        var seed = NumberOption.Create<int>("--seed", "Seed of the models and the synthetic windows", NumberRange.NonNegative, 1);
        var threshold = NumberOption.Create<double>("--alarm-threshold", "Fixed alarm threshold of the action model instead of the cross-validated one", NumberRange.Between(0, 1));
        var algorithm = new Option<string>("--algorithm") { Description = "lightgbm or maxent (L-BFGS maximum entropy).", DefaultValueFactory = _ => "lightgbm" };
        algorithm.AcceptOnlyFromAmong("lightgbm", "maxent");
        var evaluate = new Option<bool>("--evaluate") { Description = "Also run the leave-one-workload-out evaluation and print the Markdown table." };
        var external = new Option<string?>("--external") { Description = "A second corpus from another framework (e.g. data/classifier-corpus-torch) evaluated as the 'pytorch' row." };
        var train = new Command("train", "Train the shape and action models from the corpus (same seed → same models and metrics).")
        {
            corpus, output, seed, algorithm, evaluate, external, threshold,
        };
        train.SetAction(pr =>
        {
            var options = new ClassifierTrainingOptions
            {
                Seed = pr.GetValue(seed)!.Value,
                Algorithm = pr.GetValue(algorithm) == "maxent" ? ModelAlgorithm.MaximumEntropy : ModelAlgorithm.LightGbm,
                AlarmThreshold = pr.GetValue(threshold),
            };
            Corpus c = Corpus.Load(pr.GetValue(corpus)!);
            console.WriteLine($"corpus: {c.Runs.Count} runs, {c.Traces.Count} traces");
            if (pr.GetValue(evaluate))
            {
                Corpus? ext = pr.GetValue(external) is { } e ? Corpus.Load(e) : null;
                ClassifierReport report = ClassifierTraining.Evaluate(c, options, ext);
                console.Profile.Out.Writer.WriteLine(report.ToMarkdown());
            }

            if (pr.GetValue(output) is { } dir)
            {
                Directory.CreateDirectory(dir);
                var (shapes, actions, alarmThreshold) = ClassifierTraining.TrainFinal(c, options);
                console.WriteLine(string.Create(System.Globalization.CultureInfo.InvariantCulture, $"alarm threshold: {alarmThreshold:0.00} (ship it as AdvisorOptions.DefaultAlarmThreshold)"));
                using (FileStream f = File.Create(Path.Combine(dir, "shape-model.zip")))
                {
                    shapes.Save(f);
                }

                using (FileStream f = File.Create(Path.Combine(dir, "action-model.zip")))
                {
                    actions.Save(f);
                }

                console.WriteLine($"wrote {Path.Combine(dir, "shape-model.zip")} and {Path.Combine(dir, "action-model.zip")}");
            }

            return ExitCodes.Ok;
        });
        return new Command("classifier", "The activity classifier's models.") { train };
    }
}
