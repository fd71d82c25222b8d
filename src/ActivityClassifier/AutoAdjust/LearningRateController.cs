using MLGradientInsight.ActivityClassifier.Actions;
using MLGradientInsight.Transforms.Store;

namespace MLGradientInsight.ActivityClassifier.AutoAdjust;

/// <summary>
/// The closed loop's decision rule: applies the advisor's learning-rate actions (<c>lower-learning-rate</c>,
/// <c>raise-learning-rate</c>) to any engine through a getter and a setter of its learning rate, within guard rails
/// (<see cref="AutoAdjustOptions"/>: warm-up, cool-down, a bounded factor per action, overall bounds relative to the
/// initial rate, never on a step with NaN/∞). Other actions are reported, not applied. Every decision is raised as
/// <see cref="Decided"/> (for the run store's <c>advisor_actions</c> table).
/// </summary>
/// <remarks>
/// A held-back learning-rate action is reported once per stretch of the same action and outcome; any other top action
/// once each time it becomes the top action.
/// </remarks>
/// <example>
/// <code>
/// var controller = new LearningRateController(new AutoAdjustOptions(), () => optimizer.Groups[0].LearningRate, lr => SetAll(optimizer, lr));
/// controller.Decided += (_, d) => writer.WriteAdvisorAction(d);
/// controller.Consider(step, advisor.CurrentActions[0], stepIsFinite: true);
/// </code>
/// </example>
public sealed class LearningRateController
{
    /// <summary>The outcome of a learning-rate action held back because the run is in its first steps.</summary>
    public const string WarmUp = "warm-up";

    /// <summary>The outcome of a learning-rate action held back because the last applied one is too recent.</summary>
    public const string CoolDown = "cool-down";

    /// <summary>The outcome of a learning-rate action held back because the step had a NaN/∞ loss or gradient.</summary>
    public const string NonFiniteStep = "non-finite-step";

    /// <summary>The outcome of a learning-rate action held back because the rate is at its bound.</summary>
    public const string AtBound = "at-bound";

    /// <summary>The outcome of an action that is not a learning-rate action.</summary>
    public const string Reported = "reported";

    private static readonly string s_lower = ActionNames.Of(TrainingAction.LowerLearningRate);
    private static readonly string s_raise = ActionNames.Of(TrainingAction.RaiseLearningRate);
    private static readonly string s_continue = ActionNames.Of(TrainingAction.Continue);
    private readonly AutoAdjustOptions _options;
    private readonly Func<double> _read;
    private readonly Action<double> _write;
    private readonly List<AdvisorActionRecord> _decisions = [];
    private long? _lastApplied;
    private (string Action, string Outcome)? _last;

    /// <summary>Creates a controller; the initial learning rate is read now.</summary>
    /// <param name="options">The guard rails.</param>
    /// <param name="read">Reads the engine's current learning rate.</param>
    /// <param name="write">Sets the engine's learning rate.</param>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range, or the initial learning rate is not finite and positive.</exception>
    public LearningRateController(AutoAdjustOptions options, Func<double> read, Action<double> write)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(read);
        ArgumentNullException.ThrowIfNull(write);
        options.Validate();
        _options = options;
        _read = read;
        _write = write;
        InitialLearningRate = read();
        if (!(InitialLearningRate > 0 && double.IsFinite(InitialLearningRate)))
        {
            throw new ArgumentOutOfRangeException(nameof(read), InitialLearningRate, "The initial learning rate must be finite and > 0 for relative bounds.");
        }
    }

    /// <summary>Raised for every decision that is recorded (applied, held back, or reported).</summary>
    public event EventHandler<AdvisorActionRecord>? Decided;

    /// <summary>Gets the learning rate when the controller was created.</summary>
    public double InitialLearningRate { get; }

    /// <summary>Gets the learning rate the engine uses now (read through the getter the controller was given).</summary>
    public double CurrentLearningRate => _read();

    /// <summary>Gets the recorded decisions, in order.</summary>
    public IReadOnlyList<AdvisorActionRecord> Decisions => _decisions;

    /// <summary>Gets how many actions changed the learning rate.</summary>
    public int AppliedCount { get; private set; }

    /// <summary>Considers the advisor's top action at <paramref name="step"/>.</summary>
    /// <param name="step">The step of the advice.</param>
    /// <param name="top">The top-ranked action.</param>
    /// <param name="stepIsFinite">False when the step had a NaN/∞ loss or gradient.</param>
    /// <returns>The recorded decision, or null when nothing was recorded (continue, or a repeat).</returns>
    /// <exception cref="ArgumentNullException"><paramref name="top"/> is null.</exception>
    public AdvisorActionRecord? Consider(long step, RankedAction top, bool stepIsFinite)
    {
        ArgumentNullException.ThrowIfNull(top);
        double old = _read();
        if (top.Action == s_continue)
        {
            _last = null;
            return null;
        }

        if (top.Action != s_lower && top.Action != s_raise)
        {
            return Record(step, top, Reported, old, old);
        }

        double wanted = top.Action == s_lower ? old / _options.Factor : old * _options.Factor;
        double bounded = Math.Clamp(wanted, InitialLearningRate * _options.MinimumRelative, InitialLearningRate * _options.MaximumRelative);
        string outcome =
            !stepIsFinite ? NonFiniteStep
            : step < _options.WarmupSteps ? WarmUp
            : _lastApplied is long last && step - last < _options.CooldownSteps ? CoolDown
            : (top.Action == s_lower ? bounded >= old : bounded <= old) ? AtBound
            : AdvisorActionRecord.Applied;
        if (outcome != AdvisorActionRecord.Applied)
        {
            return Record(step, top, outcome, old, old);
        }

        _write(bounded);
        _lastApplied = step;
        AppliedCount++;
        return Record(step, top, outcome, old, _read());
    }

    private AdvisorActionRecord? Record(long step, RankedAction top, string outcome, double old, double now)
    {
        if (outcome != AdvisorActionRecord.Applied && _last == (top.Action, outcome))
        {
            return null;
        }

        _last = (top.Action, outcome);
        var decision = new AdvisorActionRecord { Step = step, Action = top.Action, Outcome = outcome, OldLearningRate = old, NewLearningRate = now, Evidence = top.Evidence };
        _decisions.Add(decision);
        Decided?.Invoke(this, decision);
        return decision;
    }
}
