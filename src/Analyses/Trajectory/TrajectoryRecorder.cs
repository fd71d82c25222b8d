using MLGradientInsight.Trainers;
using MLGradientInsight.Trainers.Training;

namespace MLGradientInsight.Analyses.Trajectory;

/// <summary>
/// Draws 001's trajectory picture while a model trains: every N steps the point Σᵢ wᵢ·vᵢ (<see cref="RandomPlaneProjection"/>)
/// with the mean batch loss since the previous point, and, for the weighted picture of 001 UPD 2, each weight's
/// running Σ g² so the RMS gradient over the whole run is known at the end.
/// </summary>
/// <remarks>
/// Streaming: memory is O(P) (two direction coordinates and one Σ g² per weight) plus 32 bytes per recorded point; the
/// per-step work allocates nothing. Attach with <see cref="Attach"/>; dispose the returned handle to stop recording.
/// The weighted picture needs the weights at every point and the RMS of the whole run, so it is drawn after training
/// from checkpoints (<c>TrajectoryAnalyzer.Project</c> with <see cref="GradientRms"/>).
/// </remarks>
public sealed class TrajectoryRecorder
{
    private readonly IReadOnlyList<Parameter> _parameters;
    private readonly TrajectoryRecorderOptions _options;
    private readonly GradientSquares _squares;
    private long[] _steps = new long[256];
    private int[] _epochs = new int[256];
    private double[] _x = new double[256];
    private double[] _y = new double[256];
    private double[] _loss = new double[256];
    private int _count;
    private double _lossSum;
    private int _lossSteps;

    /// <summary>Creates a recorder for the given parameters.</summary>
    /// <param name="parameters">The model's parameters (all are projected, in this order).</param>
    /// <param name="options">The options, or null for the defaults.</param>
    public TrajectoryRecorder(IReadOnlyList<Parameter> parameters, TrajectoryRecorderOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        _options = options ?? new TrajectoryRecorderOptions();
        _options.Validate();
        _parameters = parameters;
        Projection = new RandomPlaneProjection([.. parameters.Select(p => p.Length)], _options.Seed);
        _squares = new GradientSquares(parameters);
    }

    /// <summary>Gets the projection (its directions depend only on the seed and the tensor lengths).</summary>
    public RandomPlaneProjection Projection { get; }

    /// <summary>Gets the points recorded so far (variant <c>random</c>).</summary>
    public IReadOnlyList<TrajectoryPoint> Points =>
        [.. Enumerable.Range(0, _count).Select(i => new TrajectoryPoint("random", _steps[i], _epochs[i], _x[i], _y[i], _loss[i]))];

    /// <summary>Starts recording the trainer's steps.</summary>
    /// <param name="trainer">The trainer of the model whose parameters this recorder projects.</param>
    /// <returns>A handle; dispose it to stop recording.</returns>
    /// <exception cref="ArgumentException">The trainer trains another model.</exception>
    public IDisposable Attach(Trainer trainer)
    {
        ArgumentNullException.ThrowIfNull(trainer);
        if (trainer.Model.Parameters.Count != _parameters.Count || !trainer.Model.Parameters.Zip(_parameters).All(p => ReferenceEquals(p.First, p.Second)))
        {
            throw new ArgumentException("The trainer trains another model than the one this recorder was created for.", nameof(trainer));
        }

        if (_options.IncludeStart && _count == 0)
        {
            Record(trainer.Step, 0, double.NaN);
        }

        IDisposable gradients = trainer.OnGradientsComputed((in TrainingStepContext c) => _squares.Add(c.Parameters));
        IDisposable steps = trainer.OnStepCompleted(OnStep);
        return new Both(gradients, steps);
    }

    /// <summary>Gets √(mean g²) per weight over the steps seen so far, one named array per parameter (001 UPD 2).</summary>
    /// <returns>The named RMS gradients.</returns>
    public IReadOnlyList<KeyValuePair<string, float[]>> GradientRms() => _squares.Rms();

    private void OnStep(in TrainingStepContext c)
    {
        _lossSum += c.Loss;
        _lossSteps++;
        if (c.Step % _options.Every == 0)
        {
            Record(c.Step, c.Epoch, _lossSum / _lossSteps);
            _lossSum = 0;
            _lossSteps = 0;
        }
    }

    private void Record(long step, int epoch, double loss)
    {
        double x = 0, y = 0;
        for (int t = 0; t < _parameters.Count; t++)
        {
            (double px, double py) = Projection.ProjectTensor(t, _parameters[t].Weights);
            x += px;
            y += py;
        }

        if (_count == _steps.Length)
        {
            int size = _count * 2;
            Array.Resize(ref _steps, size);
            Array.Resize(ref _epochs, size);
            Array.Resize(ref _x, size);
            Array.Resize(ref _y, size);
            Array.Resize(ref _loss, size);
        }

        _steps[_count] = step;
        _epochs[_count] = epoch;
        _x[_count] = x;
        _y[_count] = y;
        _loss[_count] = loss;
        _count++;
    }

    private sealed class Both(IDisposable first, IDisposable second) : IDisposable
    {
        public void Dispose()
        {
            first.Dispose();
            second.Dispose();
        }
    }
}
