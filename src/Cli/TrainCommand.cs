using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using MLGradientInsight.Trainers;
using MLGradientInsight.Trainers.Checkpoints;
using MLGradientInsight.Trainers.Data;
using MLGradientInsight.Trainers.Losses;
using MLGradientInsight.Trainers.Optimizers;
using MLGradientInsight.Trainers.Training;
using MLGradientInsight.Transforms.Activity;
using Spectre.Console;

namespace MLGradientInsight.Cli;

/// <summary><c>mlgi train</c>.</summary>
internal static class TrainCommand
{
    public static Command Create(IAnsiConsole console)
    {
        var model = new Option<string>("--model") { Description = "lenet5 | mlp:784,256,128,10 | kraidiky (default: lenet5 for fashion-mnist, kraidiky for curve, mlp:2,64,64,C otherwise)" };
        var dataset = new Option<string>("--dataset") { Description = "fashion-mnist | curve | spirals | blobs | csv:PATH[:LABEL_COLUMN]", DefaultValueFactory = _ => "fashion-mnist" };
        var optimizer = new Option<string>("--optimizer") { Description = "The optimizer (004).", DefaultValueFactory = _ => "sgd" };
        optimizer.AcceptOnlyFromAmong(OptimizerFactory.Names);
        var lr = new Option<float>("--lr") { Description = "Learning rate.", DefaultValueFactory = _ => 0.01f };
        var momentum = new Option<float?>("--momentum") { Description = "Momentum (sgd, nesterov, rmsprop, lars); 'sgd' with --momentum is momentum SGD." };
        var weightDecay = new Option<float?>("--weight-decay") { Description = "L2 weight decay (decoupled for adamw; default 0, or 0.01 for adamw as in PyTorch)." };
        var schedule = new Option<string>("--schedule") { Description = "constant | step:EPOCHS:GAMMA | exp:GAMMA | cosine[:ETA_MIN] | plateau[:PATIENCE:FACTOR]", DefaultValueFactory = _ => "constant" };
        var slow = new Option<int>("--slow-learning") { Description = "Apply each update gradually over K steps (001's slow-learning descent); 1 = off.", DefaultValueFactory = _ => 1 };
        var activation = new Option<string>("--activation") { Description = "Hidden activation of mlp models.", DefaultValueFactory = _ => "relu" };
        activation.AcceptOnlyFromAmong("relu", "tanh", "sigmoid", "leaky-relu");
        var epochs = new Option<int>("--epochs") { Description = "Passes over the training set.", DefaultValueFactory = _ => 3 };
        var batch = new Option<int>("--batch") { Description = "Mini-batch size.", DefaultValueFactory = _ => 64 };
        var seed = new Option<int>("--seed") { Description = "Seed of initialisation, shuffling and synthetic data.", DefaultValueFactory = _ => 1 };
        var limit = new Option<int?>("--limit") { Description = "Use only the first N training samples (quick runs)." };
        var threads = new Option<int>("--threads") { Description = "Worker threads for the kernels (1 = bit-reproducible).", DefaultValueFactory = _ => Environment.ProcessorCount };
        var save = new Option<string?>("--save") { Description = "Write the trained weights to this .safetensors file." };
        var track = new Option<bool>("--track") { Description = "Track gradient activity (000) and record the run in the store." };
        var store = new Option<string>("--store") { Description = "Run store file (SQLite).", DefaultValueFactory = _ => "runs.db" };
        var name = new Option<string?>("--name") { Description = "A name for the recorded run." };
        var dataDirectory = new Option<string?>("--data-dir") { Description = "Directory of the Fashion-MNIST IDX files (default /usr/share/datasets/fashion-mnist)." };
        var aSmoothing = new Option<float>("--activity-smoothing") { Description = "k2 of M ← (1−k2)·M + k2·I (000 §3.3), in [0, 1].", DefaultValueFactory = _ => GradientActivityOptions.DefaultSmoothing };
        var aWarmup = new Option<int>("--activity-warmup") { Description = "Warm-up steps W averaged into the first M (000 §3.4.3).", DefaultValueFactory = _ => GradientActivityOptions.DefaultWarmupSteps };
        var aAbsolute = new Option<float>("--activity-absolute-threshold") { Description = "Exclude elements whose M ≤ this (000 §3.5).", DefaultValueFactory = _ => GradientActivityOptions.DefaultAbsoluteThreshold };
        var aRelative = new Option<float>("--activity-relative-threshold") { Description = "Exclude elements whose M < this × mean M of their layer (000 §3.5).", DefaultValueFactory = _ => GradientActivityOptions.DefaultRelativeThreshold };
        var aRoot = new Option<float>("--activity-root") { Description = "Root exponent p: dI^(1/p) before averaging (000 §3.5); 1 = off.", DefaultValueFactory = _ => GradientActivityOptions.DefaultRootExponent };
        var aGrouping = new Option<string>("--activity-grouping") { Description = "Track every element, every unit (neuron / conv filter) or every tensor (000 §3.4.1).", DefaultValueFactory = _ => "element" };
        aGrouping.AcceptOnlyFromAmong("element", "unit", "tensor");
        var aPerTensor = new Option<bool>("--activity-per-tensor") { Description = "Report fc1.weight and fc1.bias as separate layers." };
        var checkpointEvery = new Option<int?>("--checkpoint-every") { Description = "Keep a checkpoint every N steps (plus θ0 and the last step) for mlgi trajectory / interpolate / robustness." };
        var checkpointDir = new Option<string?>("--checkpoint-dir") { Description = "Folder of the kept checkpoints (default checkpoints/RUN-ID with --track, else checkpoints/NAME-or-time)." };
        var aLayers = new Option<string?>("--activity-layers") { Description = "Track only these layers, comma-separated (e.g. conv1,fc1); default all. Fewer layers cost less per step." };
        PositiveOption(epochs);
        PositiveOption(batch);
        PositiveOption(threads);
        PositiveOption(slow);
        lr.Validators.Add(r =>
        {
            float v = r.GetValueOrDefault<float>();
            if (!float.IsFinite(v) || v <= 0)
            {
                r.AddError($"--lr must be a positive number; got {v.ToString(CultureInfo.InvariantCulture)}.");
            }
        });
        weightDecay.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<float?>() is float v && (!float.IsFinite(v) || v < 0))
            {
                r.AddError($"--weight-decay must be ≥ 0; got {v.ToString(CultureInfo.InvariantCulture)}.");
            }
        });
        limit.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<int?>() is int v && v <= 0)
            {
                r.AddError($"--limit must be positive; got {v}.");
            }
        });

        var command = new Command("train", "Train a model on a dataset, optionally tracking gradient activity.")
        {
            model, dataset, optimizer, lr, momentum, weightDecay, schedule, slow, activation, epochs, batch, seed, limit, threads, save, track, store, name, dataDirectory, aSmoothing, aWarmup, aAbsolute, aRelative, aRoot, aGrouping, aPerTensor, aLayers, checkpointEvery, checkpointDir,
        };
        command.SetAction(pr => MlgiApp.Guard(console, () => Run(
            new TrainSettings
            {
                Model = pr.GetValue(model) ?? "",
                Dataset = pr.GetValue(dataset)!,
                Optimizer = pr.GetValue(optimizer)!,
                LearningRate = pr.GetValue(lr),
                Momentum = pr.GetValue(momentum),
                WeightDecay = pr.GetValue(weightDecay) ?? (pr.GetValue(optimizer) == "adamw" ? 0.01f : 0f),
                Schedule = pr.GetValue(schedule)!,
                SlowLearningSteps = pr.GetValue(slow),
                Activation = pr.GetValue(activation)!,
                Epochs = pr.GetValue(epochs),
                BatchSize = pr.GetValue(batch),
                Seed = pr.GetValue(seed),
                Limit = pr.GetValue(limit),
                Threads = pr.GetValue(threads),
                Save = pr.GetValue(save),
                Track = pr.GetValue(track),
                Store = pr.GetValue(store)!,
                RunName = pr.GetValue(name),
                DataDirectory = pr.GetValue(dataDirectory),
                ActivitySmoothing = pr.GetValue(aSmoothing),
                ActivityWarmup = pr.GetValue(aWarmup),
                ActivityAbsoluteThreshold = pr.GetValue(aAbsolute),
                ActivityRelativeThreshold = pr.GetValue(aRelative),
                ActivityRoot = pr.GetValue(aRoot),
                ActivityGrouping = pr.GetValue(aGrouping)!,
                ActivityPerTensor = pr.GetValue(aPerTensor),
                CheckpointEvery = pr.GetValue(checkpointEvery),
                CheckpointDirectory = pr.GetValue(checkpointDir),
                ActivityLayers = pr.GetValue(aLayers)?.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries),
            },
            console)));
        return command;
    }

    public static int Run(TrainSettings settings, IAnsiConsole console)
    {
        EngineSettings.MaxDegreeOfParallelism = settings.Threads;
        (Dataset train, Dataset test) = DatasetSpec.Load(settings);
        Sequential model = ModelSpec.Create(settings, train);
        Loss loss = train.ClassCount > 0 ? new SoftmaxCrossEntropyLoss() : new MseLoss();
        Optimizer optimizer = OptimizerFactory.Create(settings, model);
        var trainer = new Trainer(model, loss, optimizer, new TrainerOptions
        {
            Epochs = settings.Epochs,
            BatchSize = settings.BatchSize,
            Seed = settings.Seed,
            Scheduler = ScheduleSpec.Create(settings.Schedule, settings.Epochs),
        });

        using TrackingSession? tracking = settings.Track ? TrackingSession.Start(settings, trainer, train, console) : null;
        using CheckpointSession? checkpoints = CheckpointSession.Start(settings, trainer, train, tracking?.RunId, console);
        console.MarkupLine($"[grey]model[/] {Markup.Escape(ModelSpec.Describe(settings, train))}  [grey]parameters[/] {model.ParameterCount:N0}  [grey]data[/] {train.Count:N0} train / {test.Count:N0} test  [grey]optimizer[/] {Markup.Escape(OptimizerFactory.Describe(settings))}  [grey]kernels[/] {Markup.Escape(EngineSettings.GemmBackend)}");

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
            result = RunWithProgress(trainer, train, test, tracking, console, cancellation.Token);
        }
        finally
        {
            Console.CancelKeyPress -= onCancel;
        }

        foreach (EpochSummary e in result.Epochs)
        {
            long previous = e.Epoch > 1 ? result.Epochs[e.Epoch - 2].Steps : 0;
            string accuracy = train.ClassCount > 0 ? FormattableString.Invariant($" acc {e.TrainAccuracy:P2}") : "";
            string testAccuracy = train.ClassCount > 0 ? FormattableString.Invariant($" acc {e.ValidationAccuracy:P2}") : "";
            double rate = e.Seconds > 0 ? (e.Steps - previous) / e.Seconds : 0;
            console.WriteLine(FormattableString.Invariant($"epoch {e.Epoch}: train loss {e.TrainLoss:F4}{accuracy}  test loss {e.ValidationLoss:F4}{testAccuracy}  ({e.Seconds:F1} s, {rate:F0} steps/s)"));
        }

        if (result.Status == TrainingStatus.Cancelled)
        {
            tracking?.Cancelled();
            console.MarkupLine($"[yellow]cancelled[/] after {result.Steps} steps{(tracking is null ? "" : $"; run {Markup.Escape(tracking.RunId)} is marked interrupted")}.");
            return MlgiApp.Cancelled;
        }

        if (result.Status == TrainingStatus.NonFinite)
        {
            tracking?.Fail(result.NonFinite!.ToString());
            console.MarkupLine($"[red]stopped:[/] {Markup.Escape(result.NonFinite!.ToString())}. Lower the learning rate (--lr) or check the input data.");
            return MlgiApp.NonFinite;
        }

        EvaluationResult final = trainer.Evaluate(test);
        if (settings.Save is not null)
        {
            Checkpoint.Save(model, settings.Save, new Dictionary<string, string>
            {
                ["model"] = ModelSpec.Describe(settings, train),
                ["dataset"] = settings.Dataset,
                ["seed"] = settings.Seed.ToString(CultureInfo.InvariantCulture),
                ["activation"] = settings.Activation,
                ["limit"] = settings.Limit?.ToString(CultureInfo.InvariantCulture) ?? "",
            });
            console.MarkupLine($"saved {Markup.Escape(settings.Save)}");
        }

        checkpoints?.Complete();
        tracking?.Complete();
        console.WriteLine(train.ClassCount > 0
            ? string.Create(CultureInfo.InvariantCulture, $"test accuracy {final.Accuracy:F4} ({final.Accuracy * final.Count:F0}/{final.Count}), test loss {final.Loss:F4}")
            : string.Create(CultureInfo.InvariantCulture, $"test loss {final.Loss:F6} ({final.Count} samples)"));
        return MlgiApp.Ok;
    }

    private static TrainingResult RunWithProgress(Trainer trainer, Dataset train, Dataset test, TrackingSession? tracking, IAnsiConsole console, CancellationToken cancellationToken)
    {
        int stepsPerEpoch = (train.Count + trainer.Options.BatchSize - 1) / trainer.Options.BatchSize;
        long totalSteps = (long)stepsPerEpoch * trainer.Options.Epochs;
        TrainingResult? result = null;
        console.Progress()
            .AutoClear(false)
            .HideCompleted(false)
            .Columns(new TaskDescriptionColumn { Alignment = Justify.Left }, new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn(), new RemainingTimeColumn())
            .Start(ctx =>
            {
                ProgressTask task = ctx.AddTask("training", maxValue: totalSteps);
                var clock = Stopwatch.StartNew();
                double lossAverage = double.NaN, accuracyAverage = double.NaN;
                using IDisposable sub = trainer.OnStepCompleted((in TrainingStepContext c) =>
                {
                    lossAverage = double.IsNaN(lossAverage) ? c.Loss : (0.98 * lossAverage) + (0.02 * c.Loss);
                    if (c.Correct >= 0)
                    {
                        double batchAccuracy = (double)c.Correct / c.BatchSize;
                        accuracyAverage = double.IsNaN(accuracyAverage) ? batchAccuracy : (0.98 * accuracyAverage) + (0.02 * batchAccuracy);
                    }

                    if (c.Step % 10 == 0 || c.Step == totalSteps)
                    {
                        double stepsPerSecond = c.Step / Math.Max(1e-9, clock.Elapsed.TotalSeconds);
                        string text = FormattableString.Invariant($"epoch {c.Epoch} step {c.Step} loss {lossAverage:F4}")
                            + (double.IsNaN(accuracyAverage) ? "" : FormattableString.Invariant($" acc {accuracyAverage:P1}"))
                            + FormattableString.Invariant($" {stepsPerSecond:F0} steps/s");
                        if (tracking?.Describe() is { Length: > 0 } activity)
                        {
                            text += "  " + activity;
                        }

                        task.Description = Markup.Escape(text);
                        task.Value = c.Step;
                    }
                });
                using IDisposable epochSub = trainer.OnEpochCompleted(e => task.Description = Markup.Escape(FormattableString.Invariant($"epoch {e.Epoch} done: loss {e.TrainLoss:F4}") + (train.ClassCount > 0 ? FormattableString.Invariant($" test acc {e.ValidationAccuracy:P2}") : "")));
                result = trainer.Fit(train, test, cancellationToken);
                task.Value = task.MaxValue;
            });
        return result!;
    }

    private static void PositiveOption(Option<int> option) => option.Validators.Add(r =>
    {
        int v = r.GetValueOrDefault<int>();
        if (v <= 0)
        {
            r.AddError($"{option.Name} must be a positive integer; got {v}.");
        }
    });
}
