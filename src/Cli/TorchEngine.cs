using System.Globalization;
using MLGradientInsight.Trainers;
using MLGradientInsight.Trainers.Data;
using MLGradientInsight.Trainers.Torch;
using MLGradientInsight.Trainers.Torch.Checkpoints;
using MLGradientInsight.Trainers.Torch.Models;
using MLGradientInsight.Trainers.Torch.Training;
using MLGradientInsight.Trainers.Training;
using Spectre.Console;
using TorchSharp;
using static TorchSharp.torch;

namespace MLGradientInsight.Cli;

using Tensor = TorchSharp.torch.Tensor;

/// <summary>
/// <c>mlgi train --engine torchsharp</c>: the same model (built by the managed engine from the same seed, then copied with its
/// weights), dataset, batch order, optimizer, schedule, tracking and store, trained by libtorch through TorchSharp.
/// </summary>
internal static class TorchEngine
{
    public static int Run(TrainSettings settings, CliConsole cli)
    {
        IAnsiConsole console = cli.Ansi();
        if (settings.SlowLearningSteps > 1)
        {
            throw new CliException("--slow-learning is an optimizer of the managed engine only; use --engine managed.");
        }

        if (settings.CheckpointEvery is not null || settings.CheckpointDirectory is not null)
        {
            throw new CliException("--checkpoint-every and --checkpoint-dir work with the managed engine only; use --engine managed, or --save for the final TorchSharp weights.");
        }

        (Dataset train, Dataset test) = DatasetSpec.Load(settings);
        Sequential managed = ModelSpec.Create(settings, train);
        try
        {
            TorchRuntime.EnsureLoaded();
        }
        catch (TorchLoadException e)
        {
            throw new CliException($"--engine torchsharp: {e.Message}", ExitCodes.DataError);
        }

        torch.set_num_threads(settings.Threads);
        using nn.Module<Tensor, Tensor> model = TorchModels.FromSequential(managed);
        using optim.Optimizer optimizer = CreateOptimizer(settings, model);
        var trainer = new TorchTrainer(model, optimizer, new TorchTrainerOptions
        {
            Epochs = settings.Epochs,
            BatchSize = settings.BatchSize,
            Seed = settings.Seed,
            Schedule = ScheduleSpec.Create(settings.Schedule, settings.Epochs) is { } schedule ? TorchSchedule.From(schedule) : null,
        });

        long totalSteps = (long)((train.Count + settings.BatchSize - 1) / settings.BatchSize) * settings.Epochs;
        using TrackingSession? tracking = settings.Track ? TrackingSession.Start(settings, trainer, managed, train, cli) : null;
        if (tracking is not null)
        {
            tracking.Notice += cli.Line;
        }

        console.MarkupLine($"[grey]engine[/] torchsharp (libtorch, {torch.get_num_threads()} threads)  [grey]model[/] {Markup.Escape(ModelSpec.Describe(settings, train))}  [grey]parameters[/] {managed.ParameterCount:N0}  [grey]data[/] {train.Count:N0} train / {test.Count:N0} test  [grey]optimizer[/] {Markup.Escape(OptimizerFactory.Describe(settings))}");
        using var stop = new StopSignal();
        TrainingResult result;
        using (trainer.OnEpochCompleted(e => console.WriteLine(FormattableString.Invariant(
            $"epoch {e.Epoch}: train loss {e.TrainLoss:F4}{(train.ClassCount > 0 ? FormattableString.Invariant($" acc {e.TrainAccuracy:P2}") : "")}  test loss {e.ValidationLoss:F4}{(train.ClassCount > 0 ? FormattableString.Invariant($" acc {e.ValidationAccuracy:P2}") : "")}  ({e.Seconds:F1} s)"))))
        {
            result = trainer.Fit(train, test, stop.Token);
        }

        return TrainCommand.Finish(settings, result, totalSteps, stop, tracking, cli, save: path =>
        {
            if (path is not null)
            {
                var metadata = new Dictionary<string, string>
                {
                    ["model"] = ModelSpec.Describe(settings, train),
                    ["dataset"] = settings.Dataset,
                    ["seed"] = settings.Seed.ToString(CultureInfo.InvariantCulture),
                    ["engine"] = "torchsharp",
                };
                if (tracking is not null)
                {
                    metadata[CheckpointMetadata.RunKey] = tracking.RunId;
                }

                TorchCheckpoint.Save(model, path, metadata);
            }
        }, testResult: () =>
        {
            EvaluationResult final = trainer.Evaluate(test);
            return TrainCommand.TestResult(train.ClassCount > 0, final.Accuracy, final.Loss, final.Count);
        });
    }

    /// <summary>The TorchSharp optimizer for <c>--optimizer</c>, with the managed engine's defaults (PyTorch's).</summary>
    private static optim.Optimizer CreateOptimizer(TrainSettings s, nn.Module model)
    {
        try
        {
            return TorchOptimizers.Create(s.Optimizer, model, s.LearningRate, s.Momentum, s.WeightDecay);
        }
        catch (NotSupportedException e)
        {
            throw new CliException($"--optimizer {s.Optimizer}: {e.Message.Replace("the managed engine", "--engine managed", StringComparison.Ordinal)}");
        }
    }
}
