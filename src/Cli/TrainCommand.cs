using System.CommandLine;
using System.Globalization;
using MLGradientInsight.Trainers;
using MLGradientInsight.Trainers.Checkpoints;
using MLGradientInsight.Trainers.Data;
using MLGradientInsight.Trainers.Losses;
using MLGradientInsight.Trainers.Optimizers;
using MLGradientInsight.Trainers.Training;

namespace MLGradientInsight.Cli;

/// <summary><c>mlgi train</c>.</summary>
internal static class TrainCommand
{
    /// <summary>How often the live line is redrawn.</summary>
    private static readonly TimeSpan s_refresh = TimeSpan.FromMilliseconds(100);

    public static Command Create(CliConsole console)
    {
        var options = new TrainOptions();
        var command = new Command("train", "Train a model on a dataset, optionally tracking gradient activity.");
        foreach (Option option in options.All)
        {
            command.Options.Add(option);
        }

        command.SetAction(r =>
        {
            options.CheckCombinations(r);
            return Run(options.Bind(r), console);
        });
        return command;
    }

    public static int Run(TrainSettings settings, CliConsole console)
    {
        // Output paths first: a run must never train for an hour and then fail to write its result.
        if (settings.Save is not null)
        {
            settings = settings with { Save = OutputPath.Prepare("--save", settings.Save, console) };
        }

        if (settings.Track)
        {
            settings = settings with { Store = OutputPath.Prepare("--store", settings.Store, console) };
        }

        if (settings.Engine == "torchsharp")
        {
            return TorchEngine.Run(settings, console);
        }

        PhaseTimer? timer = PhaseTimer.StartIfAsked();
        EngineSettings.MaxDegreeOfParallelism = settings.Threads;
        (Dataset train, Dataset test) = DatasetSpec.Load(settings);
        timer?.Mark("data");
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
        int stepsPerEpoch = (train.Count + settings.BatchSize - 1) / settings.BatchSize;
        long totalSteps = (long)stepsPerEpoch * settings.Epochs;
        if (settings.Track && totalSteps < settings.ActivityWarmup + 2)
        {
            console.Warn(
                $"this run has {totalSteps} steps, but with --activity-warmup {settings.ActivityWarmup} the first activity is computed at step {settings.ActivityWarmup + 2} (000 §3.4.3), "
                + "so no activity will be recorded. Train longer (--epochs, --limit, a smaller --batch) or lower --activity-warmup.");
        }

        using TrackingSession? tracking = settings.Track ? TrackingSession.Start(settings, trainer, train, console) : null;
        using CheckpointSession? checkpoints = CheckpointSession.Start(settings, trainer, train, tracking?.RunId, console.Ansi());
        console.Line($"model {ModelSpec.Describe(settings, train)}  parameters {model.ParameterCount.ToString("N0", CultureInfo.InvariantCulture)}  data {train.Count.ToString("N0", CultureInfo.InvariantCulture)} train / {test.Count.ToString("N0", CultureInfo.InvariantCulture)} test  optimizer {OptimizerFactory.Describe(settings)}  kernels {DescribeKernels()}");

        timer?.Mark("set-up");
        var display = new ProgressDisplay(console, totalSteps, settings.Epochs, train.ClassCount > 0, tracking is null ? null : tracking.Describe, s_refresh);
        if (tracking is not null)
        {
            tracking.Notice += display.Note;
        }

        using var stop = new StopSignal();
        TrainingResult result;
        using (trainer.OnStepCompleted(display.OnStep))
        using (trainer.OnEpochCompleted(display.OnEpoch))
        {
            result = trainer.Fit(train, test, stop.Token);
            if (timer is not null)
            {
                double epochs = result.Epochs.Sum(e => e.Seconds);
                timer.Mark(string.Create(CultureInfo.InvariantCulture, $"fit (epochs {epochs:F2} s, the rest test evaluation)"));
            }

            display.Clear();
        }

        int exitCode = Finish(settings, result, totalSteps, stop, tracking, console, save: path =>
        {
            if (path is not null)
            {
                Checkpoint.Save(model, path, CheckpointMetadata.For(settings, train));
            }

            checkpoints?.Complete();
        }, testResult: () =>
        {
            EpochSummary last = result.Epochs[^1];
            return TestResult(train.ClassCount > 0, last.ValidationAccuracy, last.ValidationLoss, test.Count);
        });
        timer?.Mark("finish");
        timer?.Report(console);
        return exitCode;
    }

    /// <summary>
    /// The end of a run, the same for both engines: a stop by signal marks the run interrupted and a NaN/∞ fails it (each
    /// with a message and its exit code); a finished run is saved (<paramref name="save"/> gets the <c>--save</c> path, null
    /// without it), completed, and summed up with its test result and what to do next.
    /// </summary>
    internal static int Finish(
        TrainSettings settings, TrainingResult result, long totalSteps, StopSignal stop, TrackingSession? tracking, CliConsole console, Action<string?> save, Func<string> testResult)
    {
        if (result.Status == TrainingStatus.Cancelled)
        {
            string what = $"stopped by {stop.Describe()} after step {result.Steps} of {totalSteps} (epoch {Math.Min(settings.Epochs, result.Epochs.Count + 1)} of {settings.Epochs}); "
                + $"the {result.Epochs.Count} finished epoch(s) and every step until then are recorded.";
            tracking?.Interrupt(what);
            console.Status($"{what}{(tracking is null ? "" : $" Run {tracking.RunId} is marked interrupted.")}{(settings.Save is null ? "" : " No weights were saved.")}");
            return stop.ExitCode;
        }

        if (result.Status == TrainingStatus.NonFinite)
        {
            string message = DescribeNonFinite(result.NonFinite!);
            tracking?.Fail(message);
            console.WriteError($"{message} Lower the learning rate (--lr) or check the input data.");
            return ExitCodes.NonFinite;
        }

        save(settings.Save);
        tracking?.Complete();
        if (tracking?.Controller is { } controller)
        {
            console.Line(string.Create(CultureInfo.InvariantCulture,
                $"--auto-adjust: {controller.AppliedCount} learning-rate change(s), {controller.Decisions.Count - controller.AppliedCount} decision(s) held back or reported; learning rate {controller.InitialLearningRate:G4} → {controller.CurrentLearningRate:G4}"));
        }

        console.Line(testResult());
        WriteNextSteps(settings, tracking, console);
        return ExitCodes.Ok;
    }

    /// <summary>The GEMM backend, and why OpenBLAS is left unused when it is loaded but runs generic kernels on this CPU.</summary>
    /// <returns>For example <c>openblas</c>, or <c>managed (OpenBLAS runs its Prescott kernels on this CPU; OPENBLAS_CORETYPE=... chooses others)</c>.</returns>
    internal static string DescribeKernels() =>
        EngineSettings.GemmBackend == "managed" && EngineSettings.UseNativeBlas && EngineSettings.NativeBlasCoreName is { } core
            ? $"managed (OpenBLAS runs its {core} kernels on this CPU; OPENBLAS_CORETYPE=... chooses others)"
            : EngineSettings.GemmBackend;

    /// <summary>The final result line: <c>test accuracy A (correct/total), test loss L</c>, or <c>test loss L (N samples)</c> for regression.</summary>
    internal static string TestResult(bool classification, double accuracy, double loss, int count) => classification
        ? string.Create(CultureInfo.InvariantCulture, $"test accuracy {accuracy:F4} ({Math.Round(accuracy * count):F0}/{count}), test loss {loss:F4}")
        : string.Create(CultureInfo.InvariantCulture, $"test loss {loss:F6} ({count} samples)");

    /// <summary>A NaN/Inf stop in words: which quantity, which tensor and element, which step.</summary>
    /// <param name="r">The report.</param>
    /// <returns>The message.</returns>
    internal static string DescribeNonFinite(NonFiniteReport r)
    {
        string value = r.Value.ToString(CultureInfo.InvariantCulture);
        string where = FormattableString.Invariant($"at step {r.Step} (epoch {r.Epoch}, batch {r.BatchIndex + 1})");
        return r.ParameterName is null
            ? $"training stopped: the loss became {value} {where}. Every weight and gradient was finite at the step before, so the forward pass of this batch overflowed."
            : r.Where == "gradient"
                ? FormattableString.Invariant($"training stopped: the gradient of tensor '{r.ParameterName}' is not finite {where} although the loss was finite; {r.Count} of its elements are NaN/Inf, the first at element {r.ElementIndex} ({value}).")
                : FormattableString.Invariant($"training stopped: the update made tensor '{r.ParameterName}' non-finite {where}; {r.Count} of its elements are NaN/Inf, the first at element {r.ElementIndex} ({value}).");
    }

    private static void WriteNextSteps(TrainSettings settings, TrackingSession? tracking, CliConsole console)
    {
        var lines = new List<string>();
        string store = tracking is null ? "" : Quote(tracking.StorePath);
        if (tracking is not null)
        {
            lines.Add($"results: run {tracking.RunId} in {tracking.StorePath}");
        }

        if (settings.Save is not null)
        {
            lines.Add($"weights: {settings.Save}");
        }

        if (lines.Count == 0)
        {
            console.Line("nothing was saved: add --track to record the run, --save FILE to keep the weights.");
            return;
        }

        lines.Add("next:");
        if (tracking is not null)
        {
            lines.Add($"  mlgi diagnose {tracking.RunId} --store {store}");
            lines.Add($"  mlgi report {tracking.RunId} --out {tracking.RunId}.html --store {store}");
            lines.Add($"  mlgi runs --store {store}");
            lines.Add($"  mlgi export {tracking.RunId} --csv {tracking.RunId}.csv --store {store}");
        }

        if (settings.Save is not null)
        {
            lines.Add($"  mlgi evaluate {Quote(settings.Save)} --dataset {settings.Dataset}{(settings.DataDirectory is null ? "" : $" --data-dir {Quote(settings.DataDirectory)}")}");
        }

        foreach (string line in lines)
        {
            console.Line(line);
        }
    }

    private static string Quote(string path) => path.Any(c => char.IsWhiteSpace(c) || c is '\'' or '"' or '$' or '&' or ';') ? $"'{path.Replace("'", "'\\''", StringComparison.Ordinal)}'" : path;
}
