using System.Globalization;
using System.Text;
using System.Text.Json;
using MLGradientInsight.Trainers.Data;
using MLGradientInsight.Trainers.Training;
using MLGradientInsight.Transforms.Activity;
using MLGradientInsight.Transforms.Store;
using Spectre.Console;

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

    public string RunId => _writer.RunId;

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

    public static TrackingSession Start(TrainSettings settings, Trainer trainer, Dataset train, IAnsiConsole console)
    {
        Options(settings, "check");
        if (settings.ActivityLayers is { } layers)
        {
            string[] known = [.. trainer.Model.Parameters.Select(p => p.LayerName).Distinct()];
            string[] unknown = [.. layers.Where(l => !known.Contains(l))];
            if (unknown.Length > 0 || layers.Length == 0)
            {
                throw new CliException($"--activity-layers: unknown layer(s) {string.Join(", ", unknown)}. This model's layers with parameters: {string.Join(", ", known)}.");
            }
        }

        RunStore store = RunStore.Open(settings.Store);
        string config = JsonSerializer.Serialize(settings);
        RunWriter writer = store.StartRun(settings.RunName ?? $"{ModelSpec.Describe(settings, train)} on {settings.Dataset}", config, trainer.Model.Summary(train.SampleShape));
        GradientActivityTracker tracker = trainer.Model.CreateActivityTracker(Options(settings, writer.RunId));
        var session = new TrackingSession(writer, tracker);
        console.MarkupLine($"run [bold]{Markup.Escape(writer.RunId)}[/] recording to {Markup.Escape(Path.GetFullPath(settings.Store))}");
        session._subscriptions.Add(tracker.Attach(trainer, writer));
        session._subscriptions.Add(trainer.OnStepCompleted((in TrainingStepContext c) => writer.WriteStep(in c)));
        session._subscriptions.Add(trainer.OnEpochCompleted(writer.WriteEpoch));
        return session;
    }

    /// <summary>One line with the network and per-layer activity of the last step, or empty during warm-up.</summary>
    public string Describe()
    {
        ActivityStepView view = _tracker.LastStep;
        if (!view.HasActivity)
        {
            return "activity: warming up";
        }

        var sb = new StringBuilder();
        sb.Append(CultureInfo.InvariantCulture, $"activity net {view.Network.Activity:G3}");
        for (int i = 0; i < view.LayerCount; i++)
        {
            LayerActivity layer = view.Layer(i);
            sb.Append(CultureInfo.InvariantCulture, $" {layer.Name} {layer.Activity:G3}");
        }

        return sb.ToString();
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

    /// <summary>The run was cancelled (Ctrl+C): disposing leaves it marked <c>interrupted</c>.</summary>
    public void Cancelled() => _finished = true;

    public void Dispose()
    {
        foreach (IDisposable s in _subscriptions)
        {
            s.Dispose();
        }

        if (!_finished)
        {
            _writer.Fail("the training command ended with an error");
        }

        _writer.Dispose();
    }
}
