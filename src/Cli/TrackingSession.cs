using System.Globalization;
using System.Text.Json;
using MLGradientInsight.ActivityClassifier.AutoAdjust;
using MLGradientInsight.ActivityClassifier.Diagnosis;
using MLGradientInsight.Trainers;
using MLGradientInsight.Trainers.Data;
using MLGradientInsight.Trainers.Optimizers;
using MLGradientInsight.Trainers.Torch.Tracking;
using MLGradientInsight.Trainers.Torch.Training;
using MLGradientInsight.Trainers.Training;
using MLGradientInsight.Transforms.Activity;
using MLGradientInsight.Transforms.Store;

namespace MLGradientInsight.Cli;

/// <summary>
/// <c>mlgi train --track</c>: a gradient-activity tracker attached to the trainer, writing the run,
/// its steps, epochs and activity rows to the run store in the background; and the live advisor, whose shape and top
/// action the progress display shows, and which with <c>--auto-adjust</c> changes the learning rate.
/// </summary>
internal sealed class TrackingSession : IDisposable
{
    private readonly RunWriter _writer;
    private readonly GradientActivityTracker _tracker;
    private readonly TrainingAdvisor _advisor;
    private readonly List<IDisposable> _subscriptions = [];
    private bool _finished;
    private string? _candidateShape, _shownShape, _shownAction;
    private int _shapeRun;

    /// <summary>How many evaluations in a row a new shape must hold before the display reports it.</summary>
    private const int StableEvaluations = 3;

    private TrackingSession(RunWriter writer, GradientActivityTracker tracker, TrainingAdvisor advisor)
    {
        _writer = writer;
        _tracker = tracker;
        _advisor = advisor;
    }

    /// <summary>Raised (on the training thread) with a line for the user when the network's shape or the top action changes, or the learning rate is changed.</summary>
    public event Action<string>? Notice;

    /// <summary>Gets the closed loop's controller (null without --auto-adjust).</summary>
    public LearningRateController? Controller { get; private set; }

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
        var advisor = new TrainingAdvisor();
        var session = new TrackingSession(writer, tracker, advisor);
        IActivitySink live = advisor;
        if (settings.AutoAdjust)
        {
            var options = new AutoAdjustOptions { CooldownSteps = settings.AutoAdjustCooldown, WarmupSteps = settings.AutoAdjustWarmup, Factor = settings.AutoAdjustFactor };
            Optimizer optimizer = trainer.Optimizer;
            var controller = new LearningRateController(options, () => optimizer.Groups[0].LearningRate, optimizer.ScaleLearningRates);
            controller.Decided += (_, d) => session.Decided(d);
            session.Controller = controller;
            live = new AutoAdjuster(advisor, controller);
        }

        advisor.Evaluated += (_, _) => session.Evaluated();
        session._subscriptions.Add(tracker.Attach(trainer, new BothSinks(writer, live)));
        session._subscriptions.Add(trainer.OnStepCompleted((in TrainingStepContext c) => writer.WriteStep(in c)));
        session._subscriptions.Add(trainer.OnEpochCompleted(writer.WriteEpoch));
        return session;
    }

    /// <summary>
    /// <c>--engine torchsharp --track</c>: a <see cref="TorchActivityTracker"/> on the TorchSharp trainer's module, observing
    /// after every backward pass and writing each step's rows after its update; the same run, steps, epochs and activity rows,
    /// and the same live advisor (its lines through <see cref="Notice"/>; <c>--auto-adjust</c> is refused on this engine).
    /// </summary>
    public static TrackingSession Start(TrainSettings settings, TorchTrainer trainer, Sequential managed, Dataset train, CliConsole console)
    {
        RunWriter writer = StartRun(settings, managed, train, " (torchsharp)", console);
        var advisor = new TrainingAdvisor();
        TorchActivityTracker tracking = TorchActivityTracker.Attach(
            trainer.Model, new BothSinks(writer, advisor), trainer.Optimizer, Options(settings, writer.RunId), TorchTrackingMode.Auto, steps: writer);
        var session = new TrackingSession(writer, tracking.Tracker, advisor);
        advisor.Evaluated += (_, _) => session.Evaluated();
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

    /// <summary>The live display's activity segments of the last step: the network first, then the advisor's short form (shape, top action), then each layer.</summary>
    public IReadOnlyList<string> Describe()
    {
        ActivityStepView view = _tracker.LastStep;
        if (!view.HasActivity)
        {
            return ["activity: warming up"];
        }

        var parts = new List<string>(view.LayerCount + 2) { string.Create(CultureInfo.InvariantCulture, $"activity {view.Network.Activity:G3}") };
        if (_advisor.CurrentShape is { } shape)
        {
            parts.Add($"{shape.Shape} → {_advisor.CurrentActions[0].Action}");
        }

        for (int i = 0; i < view.LayerCount; i++)
        {
            LayerActivity layer = view.Layer(i);
            parts.Add(string.Create(CultureInfo.InvariantCulture, $"{layer.Name} {layer.Activity:G3}"));
        }

        return parts;
    }

    /// <summary>
    /// After each evaluation: a line when the top action changes, or the network's shape changes and holds for
    /// <see cref="StableEvaluations"/> evaluations (a shape that flips between two evaluations is not news).
    /// </summary>
    private void Evaluated()
    {
        if (_advisor.CurrentShape is not { } shape)
        {
            return;
        }

        _shapeRun = shape.Shape == _candidateShape ? _shapeRun + 1 : 1;
        _candidateShape = shape.Shape;
        ActivityClassifier.Actions.RankedAction top = _advisor.CurrentActions[0];
        bool shapeNews = _shapeRun >= StableEvaluations && shape.Shape != _shownShape;
        if (!shapeNews && (top.Action == _shownAction || _shownShape is null))
        {
            return;
        }

        _shownShape = shapeNews ? shape.Shape : _shownShape ?? shape.Shape;
        _shownAction = top.Action;
        Notice?.Invoke($"step {shape.EndStep}: network activity {_shownShape}; advice {top.Action} — {top.Evidence}");
    }

    private void Decided(AdvisorActionRecord decision)
    {
        _writer.WriteAdvisorAction(decision);
        if (decision.Outcome == AdvisorActionRecord.Applied)
        {
            Notice?.Invoke(string.Create(CultureInfo.InvariantCulture, $"step {decision.Step}: --auto-adjust {decision.Action}: learning rate {decision.OldLearningRate:G4} → {decision.NewLearningRate:G4}"));
        }
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

    /// <summary>Feeds one tracker's rows to the store and to the live advisor.</summary>
    private sealed class BothSinks(IActivitySink first, IActivitySink second) : IActivitySink
    {
        public void Write(ReadOnlySpan<ActivityRecord> records, ReadOnlySpan<UnitActivityRecord> units)
        {
            first.Write(records, units);
            second.Write(records, units);
        }
    }
}
