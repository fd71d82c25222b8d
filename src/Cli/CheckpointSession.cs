using System.Globalization;
using MLGradientInsight.Analyses.Checkpoints;
using MLGradientInsight.Analyses.Storage;
using MLGradientInsight.Trainers.Data;
using MLGradientInsight.Trainers.Training;
using Spectre.Console;

namespace MLGradientInsight.Cli;

/// <summary><c>mlgi train --checkpoint-every N</c>: keeps θ0, every N-th step and the last step, and lists them in the store when the run is tracked.</summary>
internal sealed class CheckpointSession : IDisposable
{
    private readonly CheckpointRecorder _recorder;
    private readonly TrainSettings _settings;
    private readonly string? _runId;
    private readonly IAnsiConsole _console;

    private CheckpointSession(CheckpointRecorder recorder, TrainSettings settings, string? runId, IAnsiConsole console)
    {
        _recorder = recorder;
        _settings = settings;
        _runId = runId;
        _console = console;
    }

    public static CheckpointSession? Start(TrainSettings settings, Trainer trainer, Dataset train, string? runId, IAnsiConsole console)
    {
        if (settings.CheckpointEvery is not int every)
        {
            return null;
        }

        if (every <= 0)
        {
            throw new CliException($"--checkpoint-every must be a positive number of steps; got {every}.");
        }

        string directory = settings.CheckpointDirectory
            ?? Path.Combine("checkpoints", runId ?? settings.RunName ?? DateTime.UtcNow.ToString("yyyyMMdd-HHmmss", CultureInfo.InvariantCulture));
        var metadata = new Dictionary<string, string>
        {
            ["model"] = ModelSpec.Describe(settings, train),
            ["dataset"] = settings.Dataset,
            ["seed"] = settings.Seed.ToString(CultureInfo.InvariantCulture),
            ["activation"] = settings.Activation,
        };
        if (settings.Limit is int limit)
        {
            metadata["limit"] = limit.ToString(CultureInfo.InvariantCulture);
        }

        if (runId is not null)
        {
            metadata[CheckpointMetadata.RunKey] = runId;
        }

        var session = new CheckpointSession(CheckpointRecorder.Attach(trainer, directory, every, metadata), settings, runId, console);
        console.MarkupLine($"[grey]checkpoints[/] every {every} steps in {Markup.Escape(directory)}");
        return session;
    }

    public void Complete()
    {
        _recorder.Complete();
        if (_runId is not null)
        {
            AnalysisStore.Open(_settings.Store).AddCheckpoints(_runId, _recorder.Saved);
        }

        _console.MarkupLine($"kept {_recorder.Saved.Count} checkpoints in {Markup.Escape(_recorder.Directory)} (θ0: {Markup.Escape(Path.GetFileName(_recorder.Saved[0].Path))}, last: {Markup.Escape(Path.GetFileName(_recorder.Saved[^1].Path))})");
    }

    public void Dispose() => _recorder.Dispose();
}
