using MLGradientInsight.ActivityClassifier.Actions;
using MLGradientInsight.ActivityClassifier.Shapes;
using MLGradientInsight.Transforms.Activity;

namespace MLGradientInsight.ActivityClassifier.Diagnosis;

/// <summary>
/// The live advisor: an <see cref="IActivitySink"/> that receives a tracker's rows while training runs, evaluates the
/// run every max(<see cref="AdvisorOptions.EvaluationInterval"/>, step / 100) steps and raises
/// <see cref="ShapeChanged"/> and <see cref="AdviceChanged"/> when the network's shape or the top action changes.
/// Events are raised on the thread that writes the rows (the training thread). Each evaluation reads a bounded recent
/// history (the last window, the first window and a strided whole-run sample; see the README's "Live advisor"), so its
/// cost does not grow with the run, and <see cref="Write"/> allocates nothing between evaluations; the advice is the same
/// as <see cref="TraceDiagnoser"/>'s on the trace so far.
/// </summary>
/// <example>
/// <code>
/// var advisor = new TrainingAdvisor();
/// advisor.AdviceChanged += (_, e) => Console.WriteLine($"step {e.Step}: {e.Top.Action} — {e.Top.Evidence}");
/// using IDisposable tracking = tracker.Attach(trainer, advisor);
/// </code>
/// </example>
public sealed class TrainingAdvisor : IActivitySink
{
    private readonly AdvisorOptions _options;
    private readonly AdvisorCore _core;
    private LiveTrace _trace = new("");
    private long _lastStep = long.MinValue;
    private long _nextEvaluation = long.MinValue;
    private long _stepOffset;
    private string? _shape;
    private string? _top;
    private readonly AlarmConfirmation _confirmation;

    /// <summary>Creates an advisor with the shipped models.</summary>
    public TrainingAdvisor()
        : this(new AdvisorOptions())
    {
    }

    /// <summary>Creates an advisor.</summary>
    /// <param name="options">The options.</param>
    /// <exception cref="ArgumentNullException"><paramref name="options"/> is null.</exception>
    public TrainingAdvisor(AdvisorOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options;
        _core = new AdvisorCore(options);
        _confirmation = new AlarmConfirmation(options.ConfirmEvaluations);
    }

    /// <summary>Raised when the network's current shape changes.</summary>
    public event EventHandler<ShapeChangedEventArgs>? ShapeChanged;

    /// <summary>Raised when the top action changes (the first evaluation always raises it).</summary>
    public event EventHandler<AdviceChangedEventArgs>? AdviceChanged;

    /// <summary>Raised after every evaluation, whether or not the advice changed (the closed loop acts on it).</summary>
    public event EventHandler<AdviceChangedEventArgs>? Evaluated;

    /// <summary>Gets the latest ranked actions (empty before the first evaluation).</summary>
    public IReadOnlyList<RankedAction> CurrentActions { get; private set; } = [];

    /// <summary>Gets the latest network window shape (null before the first evaluation with activity).</summary>
    public WindowShape? CurrentShape { get; private set; }

    /// <summary>Gets the first step at which the top action was the same action other than <c>continue</c> for <see cref="AdvisorOptions.ConfirmEvaluations"/> evaluations (null so far).</summary>
    public long? FirstAlarmStep { get; private set; }

    /// <summary>Adds one row (any source: a CSV, the store, a tracker); evaluates when a new step begins and an evaluation is due.</summary>
    /// <param name="record">The row.</param>
    /// <exception cref="ArgumentNullException"><paramref name="record"/> is null.</exception>
    public void Add(ActivityRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        if (record.Step + _stepOffset < _lastStep && record.Layer == ActivityRecord.NetworkLayer)
        {
            // A restart that begins counting again: continue the step axis after the last step seen.
            _stepOffset = _lastStep - record.Step + 1;
        }

        long step = record.Step + _stepOffset;
        if (step > _lastStep && _lastStep != long.MinValue && _lastStep >= _nextEvaluation)
        {
            Evaluate(_lastStep);
        }

        _trace.Add(record, step);
        _lastStep = Math.Max(_lastStep, step);
        if (_nextEvaluation == long.MinValue)
        {
            _nextEvaluation = step;
        }
    }

    /// <summary>Receives one step's rows from a tracker (per-unit rows are not used).</summary>
    /// <param name="records">The network row and the layer rows.</param>
    /// <param name="units">Per-unit rows (ignored).</param>
    public void Write(ReadOnlySpan<ActivityRecord> records, ReadOnlySpan<UnitActivityRecord> units)
    {
        foreach (ActivityRecord r in records)
        {
            Add(r);
        }

        if (_lastStep >= _nextEvaluation)
        {
            Evaluate(_lastStep);
        }
    }

    /// <summary>Evaluates the rows received so far now (also called automatically).</summary>
    /// <returns>The ranked actions.</returns>
    public IReadOnlyList<RankedAction> EvaluateNow()
    {
        if (_lastStep != long.MinValue)
        {
            Evaluate(_lastStep);
        }

        return CurrentActions;
    }

    /// <summary>Forgets everything received (a new run).</summary>
    public void Reset()
    {
        _trace = new LiveTrace("");
        _lastStep = _nextEvaluation = long.MinValue;
        _stepOffset = 0;
        _shape = _top = null;
        _confirmation.Reset();
        CurrentActions = [];
        CurrentShape = null;
        FirstAlarmStep = null;
    }

    private void Evaluate(long step)
    {
        _nextEvaluation = step + _options.IntervalAt(step);
        (RunSnapshot? snapshot, IReadOnlyList<RankedAction> actions) = _core.Evaluate(_trace);
        CurrentActions = actions;
        if (snapshot is not null)
        {
            float[] p = snapshot.Network.Shape;
            CurrentShape = new WindowShape(ActivityRecord.NetworkLayer, snapshot.Network.Window.StartStep, snapshot.Network.Window.EndStep, ShapeNames.Of(snapshot.Network.TopShape),
                ShapeNames.All.Select((n, i) => (n, i)).ToDictionary(x => x.n, x => Math.Round((double)p[x.i], 4)));
            if (CurrentShape.Shape != _shape)
            {
                _shape = CurrentShape.Shape;
                ShapeChanged?.Invoke(this, new ShapeChangedEventArgs(step, CurrentShape));
            }
        }

        if (_confirmation.Alarm(actions[0].Action))
        {
            FirstAlarmStep ??= step;
        }

        if (actions[0].Action != _top)
        {
            _top = actions[0].Action;
            AdviceChanged?.Invoke(this, new AdviceChangedEventArgs(step, actions));
        }

        Evaluated?.Invoke(this, new AdviceChangedEventArgs(step, actions));
    }
}
