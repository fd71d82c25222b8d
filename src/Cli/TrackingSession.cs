using System.Globalization;
using System.Text.Json;
using MLGradientInsight.Trainers;
using MLGradientInsight.Trainers.Data;
using MLGradientInsight.Trainers.Torch.Tracking;
using MLGradientInsight.Trainers.Torch.Training;
using MLGradientInsight.Trainers.Training;
using MLGradientInsight.Transforms.Activity;
using MLGradientInsight.Transforms.Store;

namespace MLGradientInsight.Cli;

/// <summary>
/// <c>mlgi train --track</c>: a gradient-activity tracker attached to the trainer, writing the run,
/// its steps, epochs and activity rows to the run store in the background.
/// </summary>
internal sealed class TrackingSession : IDisposable
{
    private readonly RunWriter _writer;
    private readonly GradientActivityTracker _tracker;
    private readonly List<IDisposable> _subscriptions = [];
    private bool _finished;

    private TrackingSession(RunWriter writer, GradientActivityTracker tracker)
    {
        _writer = writer;
        _tracker = tracker;
    }

    /// <summary>JSON of <c>runs.config_json</c>: camelCase keys (<c>$.learningRate</c>), as docs/store-schema.md documents.</summary>
    private static readonly JsonSerializerOptions s_json = new() { PropertyNamingPolicy = JsonNamingPolicy.CamelCase };

    public string RunId => _writer.RunId;

    public string StorePath => _writer.StorePath;

    public static GradientActivityOptions Options(TrainSettings s, string runId)
    {
        var options = new GradientActivityOptions
        {
            RunId = runId,
            Smoothing = s.ActivitySmoothing,
            WarmupSteps = s.ActivityWarmup,
            AbsoluteThreshold = s.ActivityAbsoluteThreshold,
            RelativeThreshold = s.ActivityRelativeThreshold,
            RootExponent = s.ActivityRoot,
            Grouping = s.ActivityGrouping switch { "unit" => ActivityGrouping.Unit, "tensor" => ActivityGrouping.Tensor, _ => ActivityGrouping.Element },
            Detail = s.ActivityDetail == "unit" ? ActivityDetail.Unit : ActivityDetail.Layer,
            PerTensor = s.ActivityPerTensor,
            Layers = s.ActivityLayers,
        };
        try
        {
            options.Validate();
        }
        catch (ArgumentOutOfRangeException e)
        {
            string option = e.ParamName switch
            {
                nameof(GradientActivityOptions.Smoothing) => "--activity-smoothing",
                nameof(GradientActivityOptions.WarmupSteps) => "--activity-warmup",
                nameof(GradientActivityOptions.AbsoluteThreshold) => "--activity-absolute-threshold",
                nameof(GradientActivityOptions.RelativeThreshold) => "--activity-relative-threshold",
                nameof(GradientActivityOptions.RootExponent) => "--activity-root",
                _ => "--activity-*",
            };
            throw new CliException($"{option}: {e.Message.Split(" (Parameter")[0]}");
        }

        return options;
    }

    public static TrackingSession Start(TrainSettings settings, Trainer trainer, Dataset train, CliConsole console)
    {
        RunWriter writer = StartRun(settings, trainer.Model, train, "", console);
        GradientActivityTracker tracker = trainer.Model.CreateActivityTracker(Options(settings, writer.RunId));
        var session = new TrackingSession(writer, tracker);
        session._subscriptions.Add(tracker.Attach(trainer, writer));
        session._subscriptions.Add(trainer.OnStepCompleted((in TrainingStepContext c) => writer.WriteStep(in c)));
        session._subscriptions.Add(trainer.OnEpochCompleted(writer.WriteEpoch));
        return session;
    }

    /// <summary>
    /// <c>--engine torchsharp --track</c>: a <see cref="TorchActivityTracker"/> on the TorchSharp trainer's module, observing
    /// after every backward pass and writing each step's rows after its update; the same run, steps, epochs and activity rows.
    /// </summary>
    public static TrackingSession Start(TrainSettings settings, TorchTrainer trainer, Sequential managed, Dataset train, CliConsole console)
    {
        RunWriter writer = StartRun(settings, managed, train, " (torchsharp)", console);
        TorchActivityTracker tracking = TorchActivityTracker.Attach(trainer.Model, writer, trainer.Optimizer, Options(settings, writer.RunId));
        var session = new TrackingSession(writer, tracking.Tracker);
        session._subscriptions.Add(tracking);
        session._subscriptions.Add(trainer.OnGradientsComputed(c =>
        {
            tracking.Epoch = c.Epoch;
            tracking.Observe(c.Loss, c.LearningRate);
        }));
        session._subscriptions.Add(trainer.OnStepCompleted(_ => tracking.Flush()));
        session._subscriptions.Add(trainer.OnEpochCompleted(writer.WriteEpoch));
        return session;
    }

    /// <summary>Checks the tracking options and starts the run in the store.</summary>
    private static RunWriter StartRun(TrainSettings settings, Sequential model, Dataset train, string nameSuffix, CliConsole console)
    {
        Options(settings, "check");
        if (settings.ActivityLayers is { } layers)
        {
            string[] known = [.. model.Parameters.Select(p => p.LayerName).Distinct()];
            string[] unknown = [.. layers.Where(l => !known.Contains(l))];
            if (unknown.Length > 0 || layers.Length == 0)
            {
                throw new CliException($"--activity-layers: unknown layer(s) {string.Join(", ", unknown)}. This model's layers with parameters: {string.Join(", ", known)}.");
            }
        }

        RunStore store = RunStore.Open(settings.Store);
        string config = JsonSerializer.Serialize(settings, s_json);
        RunWriter writer = store.StartRun(settings.RunName ?? $"{ModelSpec.Describe(settings, train)} on {settings.Dataset}{nameSuffix}", config, model.Summary(train.SampleShape));
        console.Line($"run {writer.RunId} recording to {store.FilePath}");
        return writer;
    }

    /// <summary>The live display's activity segments of the last step: the network first, then each layer.</summary>
    public IReadOnlyList<string> Describe()
    {
        ActivityStepView view = _tracker.LastStep;
        if (!view.HasActivity)
        {
            return ["activity: warming up"];
        }

        var parts = new List<string>(view.LayerCount + 1) { string.Create(CultureInfo.InvariantCulture, $"activity {view.Network.Activity:G3}") };
        for (int i = 0; i < view.LayerCount; i++)
        {
            LayerActivity layer = view.Layer(i);
            parts.Add(string.Create(CultureInfo.InvariantCulture, $"{layer.Name} {layer.Activity:G3}"));
        }

        return parts;
    }

    public void Complete()
    {
        _writer.Complete();
        _finished = true;
    }

    public void Fail(string message)
    {
        _writer.Fail(message);
        _finished = true;
    }

    /// <summary>The run was stopped on purpose (a signal): marks it <c>interrupted</c> with <paramref name="message"/>.</summary>
    public void Interrupt(string message)
    {
        _writer.Interrupt(message);
        _finished = true;
    }

    public void Dispose()
    {
        foreach (IDisposable s in _subscriptions)
        {
            s.Dispose();
        }

        if (!_finished)
        {
            _writer.Fail("mlgi train stopped with an error before the run finished (see the command's error output).");
        }

        _writer.Dispose();
    }
}
