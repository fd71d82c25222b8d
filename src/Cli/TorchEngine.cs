using System.Globalization;
using System.Text.Json;
using MLGradientInsight.Trainers;
using MLGradientInsight.Trainers.Data;
using MLGradientInsight.Trainers.Torch;
using MLGradientInsight.Trainers.Torch.Checkpoints;
using MLGradientInsight.Trainers.Torch.Models;
using MLGradientInsight.Trainers.Torch.Tracking;
using MLGradientInsight.Trainers.Torch.Training;
using MLGradientInsight.Trainers.Training;
using MLGradientInsight.Transforms.Store;
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

        RunWriter? writer = null;
        TorchActivityTracker? tracking = null;
        var subscriptions = new List<IDisposable>();
        bool finished = false;
        try
        {
            if (settings.Track)
            {
                TrackingSession.Options(settings, "check");
                RunStore store = RunStore.Open(settings.Store);
                writer = store.StartRun(settings.RunName ?? $"{ModelSpec.Describe(settings, train)} on {settings.Dataset} (torchsharp)", JsonSerializer.Serialize(settings), managed.Summary(train.SampleShape));
                tracking = TorchActivityTracker.Attach(model, writer, optimizer, TrackingSession.Options(settings, writer.RunId));
                console.MarkupLine($"run [bold]{Markup.Escape(writer.RunId)}[/] recording to {Markup.Escape(Path.GetFullPath(settings.Store))}");
                TorchActivityTracker t = tracking;
                RunWriter w = writer;
                subscriptions.Add(trainer.OnGradientsComputed(c =>
                {
                    t.Epoch = c.Epoch;
                    t.Observe(c.Loss, c.LearningRate);
                }));
                subscriptions.Add(trainer.OnStepCompleted(_ => t.Flush()));
                subscriptions.Add(trainer.OnEpochCompleted(e => w.WriteEpoch(new EpochRecord { Epoch = e.Epoch, TrainLoss = e.TrainLoss, TrainAccuracy = e.TrainAccuracy, ValidationLoss = e.ValidationLoss, ValidationAccuracy = e.ValidationAccuracy })));
            }

            console.MarkupLine($"[grey]engine[/] torchsharp (libtorch, {torch.get_num_threads()} threads)  [grey]model[/] {Markup.Escape(ModelSpec.Describe(settings, train))}  [grey]parameters[/] {managed.ParameterCount:N0}  [grey]data[/] {train.Count:N0} train / {test.Count:N0} test  [grey]optimizer[/] {Markup.Escape(OptimizerFactory.Describe(settings))}");
            using var cancellation = new CancellationTokenSource();
            ConsoleCancelEventHandler onCancel = (_, e) =>
            {
                e.Cancel = true;
                cancellation.Cancel();
            };
            Console.CancelKeyPress += onCancel;
            TrainingResult result;
            try
            {
                subscriptions.Add(trainer.OnEpochCompleted(e => console.WriteLine(FormattableString.Invariant(
                    $"epoch {e.Epoch}: train loss {e.TrainLoss:F4}{(train.ClassCount > 0 ? FormattableString.Invariant($" acc {e.TrainAccuracy:P2}") : "")}  test loss {e.ValidationLoss:F4}{(train.ClassCount > 0 ? FormattableString.Invariant($" acc {e.ValidationAccuracy:P2}") : "")}  ({e.Seconds:F1} s)"))));
                result = trainer.Fit(train, test, cancellation.Token);
            }
            finally
            {
                Console.CancelKeyPress -= onCancel;
            }

            tracking?.Dispose();
            if (result.Status == TrainingStatus.Cancelled)
            {
                finished = true;
                console.MarkupLine($"[yellow]cancelled[/] after {result.Steps} steps{(writer is null ? "" : $"; run {Markup.Escape(writer.RunId)} is marked interrupted")}.");
                return ExitCodes.Interrupted;
            }

            if (result.Status == TrainingStatus.NonFinite)
            {
                writer?.Fail(result.NonFinite!.ToString());
                finished = true;
                console.MarkupLine($"[red]stopped:[/] {Markup.Escape(result.NonFinite!.ToString())}. Lower the learning rate (--lr) or check the input data.");
                return ExitCodes.NonFinite;
            }

            EvaluationResult final = trainer.Evaluate(test);
            if (settings.Save is not null)
            {
                TorchCheckpoint.Save(model, settings.Save, new Dictionary<string, string>
                {
                    ["model"] = ModelSpec.Describe(settings, train),
                    ["dataset"] = settings.Dataset,
                    ["seed"] = settings.Seed.ToString(CultureInfo.InvariantCulture),
                    ["engine"] = "torchsharp",
                });
                console.MarkupLine($"saved {Markup.Escape(settings.Save)}");
            }

            writer?.Complete();
            finished = true;
            console.WriteLine(train.ClassCount > 0
                ? string.Create(CultureInfo.InvariantCulture, $"test accuracy {final.Accuracy:F4} ({final.Accuracy * final.Count:F0}/{final.Count}), test loss {final.Loss:F4}")
                : string.Create(CultureInfo.InvariantCulture, $"test loss {final.Loss:F6} ({final.Count} samples)"));
            return ExitCodes.Ok;
        }
        finally
        {
            foreach (IDisposable s in subscriptions)
            {
                s.Dispose();
            }

            tracking?.Dispose();
            if (!finished)
            {
                writer?.Fail("the training command ended with an error");
            }

            writer?.Dispose();
        }
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
