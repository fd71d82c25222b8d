using System.Globalization;
using MLGradientInsight.Analyses.Trajectory;
using MLGradientInsight.Trainers;
using MLGradientInsight.Trainers.Checkpoints;
using MLGradientInsight.Trainers.Training;

namespace MLGradientInsight.Analyses.Checkpoints;

/// <summary>
/// Keeps the checkpoints the analyses need while a model trains: θ0 before the first step, then one every N steps
/// (<c>step-00000000.safetensors</c>, …, metadata <c>step</c>, <c>epoch</c>, <c>loss</c> plus yours), and on
/// <see cref="Complete"/> the last step and <c>gradient-rms.safetensors</c> (√mean g² per weight, for 001 UPD 2).
/// </summary>
public sealed class CheckpointRecorder : IDisposable
{
    private readonly Trainer _trainer;
    private readonly string _directory;
    private readonly int _every;
    private readonly IReadOnlyDictionary<string, string> _metadata;
    private readonly GradientSquares _squares;
    private readonly List<CheckpointEntry> _saved = [];
    private readonly IDisposable _gradients;
    private readonly IDisposable _steps;
    private double _lossSum;
    private int _lossSteps;
    private int _epoch;
    private bool _disposed;

    private CheckpointRecorder(Trainer trainer, string directory, int every, IReadOnlyDictionary<string, string>? metadata)
    {
        _trainer = trainer;
        _directory = directory;
        _every = every;
        _metadata = metadata ?? new Dictionary<string, string>();
        _squares = new GradientSquares(trainer.Model.Parameters);
        System.IO.Directory.CreateDirectory(directory);
        Save(trainer.Step, 0, double.NaN);
        _gradients = trainer.OnGradientsComputed((in TrainingStepContext c) => _squares.Add(c.Parameters));
        _steps = trainer.OnStepCompleted(OnStep);
    }

    /// <summary>Gets the checkpoints saved so far.</summary>
    public IReadOnlyList<CheckpointEntry> Saved => _saved;

    /// <summary>Gets the folder.</summary>
    public string Directory => _directory;

    /// <summary>Saves θ now (as step <see cref="Trainer.Step"/>) and then every <paramref name="every"/> steps.</summary>
    /// <param name="trainer">The trainer.</param>
    /// <param name="directory">The folder (created if needed); existing <c>step-*</c> files of the same steps are overwritten.</param>
    /// <param name="every">Steps between checkpoints.</param>
    /// <param name="metadata">Extra metadata for every file (e.g. <c>model</c>, <c>dataset</c>), or null.</param>
    /// <returns>The recorder; call <see cref="Complete"/> when training ends, and dispose it.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="every"/> is not positive.</exception>
    /// <exception cref="IOException">The folder or a file cannot be written.</exception>
    public static CheckpointRecorder Attach(Trainer trainer, string directory, int every, IReadOnlyDictionary<string, string>? metadata = null)
    {
        ArgumentNullException.ThrowIfNull(trainer);
        ArgumentException.ThrowIfNullOrWhiteSpace(directory);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(every);
        return new CheckpointRecorder(trainer, directory, every, metadata);
    }

    /// <summary>Saves the last step (if it is not saved yet) and the RMS-gradient file.</summary>
    public void Complete()
    {
        if (_saved[^1].Step != _trainer.Step)
        {
            Save(_trainer.Step, _epoch, _lossSteps > 0 ? _lossSum / _lossSteps : double.NaN);
        }

        var meta = new Dictionary<string, string>(_metadata) { ["steps"] = _squares.Steps.ToString(CultureInfo.InvariantCulture), ["content"] = "rms gradient per weight" };
        SafeTensors.Save(
            Path.Combine(_directory, CheckpointSeries.GradientRmsFileName),
            _squares.Rms().Select(kv => (kv.Key, new Tensor(kv.Value, kv.Value.Length))),
            meta);
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        if (!_disposed)
        {
            _disposed = true;
            _gradients.Dispose();
            _steps.Dispose();
        }
    }

    private void OnStep(in TrainingStepContext c)
    {
        _lossSum += c.Loss;
        _lossSteps++;
        _epoch = c.Epoch;
        if (c.Step % _every == 0)
        {
            Save(c.Step, c.Epoch, _lossSum / _lossSteps);
            _lossSum = 0;
            _lossSteps = 0;
        }
    }

    private void Save(long step, int epoch, double loss)
    {
        string path = Path.Combine(_directory, string.Create(CultureInfo.InvariantCulture, $"step-{step:D8}.safetensors"));
        var meta = new Dictionary<string, string>(_metadata)
        {
            ["step"] = step.ToString(CultureInfo.InvariantCulture),
            ["epoch"] = epoch.ToString(CultureInfo.InvariantCulture),
            ["loss"] = loss.ToString("R", CultureInfo.InvariantCulture),
        };
        Checkpoint.Save(_trainer.Model, path, meta);
        _saved.Add(new CheckpointEntry(path, step, epoch, loss));
    }
}
