using System.CommandLine;
using System.Globalization;
using MLGradientInsight.Analyses.GradientSpace;
using MLGradientInsight.Trainers;
using MLGradientInsight.Trainers.Data;
using MLGradientInsight.Trainers.Kernels;
using Spectre.Console;

namespace MLGradientInsight.Cli;

/// <summary><c>mlgi gradnet CKPT</c>: train GradNet on the model's per-sample gradients and compare it with the model (003 Table 1).</summary>
internal static class GradNetCommand
{
    public static Command Create(IAnsiConsole console)
    {
        var checkpoint = new Argument<string>("checkpoint") { Description = "A .safetensors file written by 'mlgi train --save'." };
        var dataset = new Option<string>("--dataset") { Description = "fashion-mnist | spirals | blobs | csv:PATH[:LABEL_COLUMN]", DefaultValueFactory = _ => "fashion-mnist" };
        var model = new Option<string?>("--model") { Description = "The architecture, when the checkpoint does not name it." };
        var percentile = new Option<double>("--percentile") { Description = "Keep the parameters above this percentile of mean |g| in each tensor (99 = top 1 %).", DefaultValueFactory = _ => 99 };
        var limit = new Option<int>("--limit") { Description = "Training samples for GradNet.", DefaultValueFactory = _ => 3000 };
        var testLimit = new Option<int>("--test-limit") { Description = "Test samples.", DefaultValueFactory = _ => 2000 };
        var epochs = new Option<int>("--epochs") { Description = "GradNet training epochs.", DefaultValueFactory = _ => 10 };
        var hidden = new Option<int>("--hidden") { Description = "Hidden units per block.", DefaultValueFactory = _ => 16 };
        var seed = new Option<int>("--seed") { Description = "GradNet's seed.", DefaultValueFactory = _ => 1 };
        var threads = new Option<int>("--threads") { Description = "Worker threads for the kernels.", DefaultValueFactory = _ => 1 };
        var dataDirectory = new Option<string?>("--data-dir") { Description = "Directory of the Fashion-MNIST IDX files." };
        CheckpointInput.RequirePositive(limit, testLimit, epochs, hidden, threads);

        percentile.Validators.Add(r =>
        {
            double v = r.GetValueOrDefault<double>();
            if (!(v >= 0 && v < 100))
            {
                r.AddError($"--percentile must be in [0, 100); got {v.ToString(CultureInfo.InvariantCulture)}. 99 keeps the top 1 % of each parameter tensor.");
            }
        });

        var command = new Command("gradnet", "Train GradNet on the per-sample gradients of a trained model and compare it with the model (003).")
        {
            checkpoint, dataset, model, percentile, limit, testLimit, epochs, hidden, seed, threads, dataDirectory,
        };
        command.SetAction(pr => MlgiApp.Guard(console, () =>
        {
            EngineSettings.MaxDegreeOfParallelism = pr.GetValue(threads);
            (Sequential network, Dataset train, Dataset test) = CheckpointInput.Load(pr.GetValue(checkpoint)!, pr.GetValue(model), pr.GetValue(dataset)!, pr.GetValue(limit), pr.GetValue(dataDirectory));
            if (test.Count > pr.GetValue(testLimit))
            {
                test = test.Subset([.. Enumerable.Range(0, pr.GetValue(testLimit))], test.Name);
            }

            var options = new GradNetOptions { Percentile = pr.GetValue(percentile), Epochs = pr.GetValue(epochs), HiddenPerBlock = pr.GetValue(hidden), Seed = pr.GetValue(seed) };
            GradNetResult result = null!;
            console.Progress()
                .AutoClear(false)
                .Columns(new TaskDescriptionColumn { Alignment = Justify.Left }, new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn(), new RemainingTimeColumn())
                .Start(ctx =>
                {
                    var tasks = new Dictionary<string, ProgressTask>(StringComparer.Ordinal);
                    result = GradNet.Run(network, train, test, options, new SyncProgress<GradNetProgress>(p =>
                    {
                        if (!tasks.TryGetValue(p.Stage, out ProgressTask? task))
                        {
                            task = tasks[p.Stage] = ctx.AddTask(p.Stage, maxValue: p.Total);
                        }

                        task.Value = p.Done;
                    }));
                });
            CultureInfo c = CultureInfo.InvariantCulture;
            var table = new Table().AddColumns("", "base network", "GradNet");
            table.AddRow("test accuracy", result.BaseAccuracy.ToString("F4", c), result.GradNetAccuracy.ToString("F4", c) + $" ({result.Gain.ToString("+0.0%;-0.0%", c)})");
            table.AddRow("train accuracy", result.BaseTrainAccuracy.ToString("F4", c), result.GradNetTrainAccuracy.ToString("F4", c));
            console.Write(table);
            console.WriteLine(string.Create(c,
                $"{result.Features} gradient features per class in {result.Blocks} blocks; {result.TrainSamples} training / {result.TestSamples} test samples; features {result.FeatureMicrosecondsPerSample:F0} µs per sample, {result.FeatureBytes / 1048576.0:F1} MiB; GradNet trained in {result.TrainSeconds:F1} s"));
            return MlgiApp.Ok;
        }));
        return command;
    }
}
