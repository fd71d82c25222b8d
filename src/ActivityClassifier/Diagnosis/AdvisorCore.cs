using MLGradientInsight.ActivityClassifier.Actions;
using MLGradientInsight.ActivityClassifier.Features;
using MLGradientInsight.ActivityClassifier.Shapes;
using MLGradientInsight.ActivityClassifier.Traces;

namespace MLGradientInsight.ActivityClassifier.Diagnosis;

/// <summary>One evaluation: a trace (prefix) → snapshot → ranked actions, shared by the offline diagnoser and the live advisor.</summary>
internal sealed class AdvisorCore
{
    private static readonly int s_lossPresent = WindowFeatures.IndexOf("loss_present"), s_lossVsStart = WindowFeatures.IndexOf("loss_vs_start"),
        s_lossSlope = WindowFeatures.IndexOf("loss_slope"), s_lossNonFinite = WindowFeatures.IndexOf("loss_non_finite_fraction");

    private readonly AdvisorOptions _options;
    private readonly ShapeModel _shapes;
    private readonly ActionModel? _actions;

    public AdvisorCore(AdvisorOptions options)
    {
        options.Validate();
        _options = options;
        _shapes = options.Shapes;
        _actions = options.Kind == AdvisorKind.Model ? options.ActionModel ?? ActionModel.LoadDefault() : null;
    }

    public ShapeModel Shapes => _shapes;

    public (RunSnapshot? Snapshot, IReadOnlyList<RankedAction> Actions) Evaluate(RunTrace trace) => Evaluate(RunSnapshot.Create(trace, _shapes));

    /// <summary>Ranks the actions for the live advisor's bounded history (the same result as for the whole trace so far).</summary>
    public (RunSnapshot? Snapshot, IReadOnlyList<RankedAction> Actions) Evaluate(LiveTrace trace) => Evaluate(trace.Snapshot(_shapes));

    private (RunSnapshot? Snapshot, IReadOnlyList<RankedAction> Actions) Evaluate(RunSnapshot? snapshot)
    {
        if (snapshot is null || snapshot.Whole.FiniteCount < _options.MinimumSteps)
        {
            string why = snapshot is null ? "no finite activity yet (the tracker's warm-up)" : $"only {snapshot.Whole.FiniteCount} steps with activity so far; the advisor waits for {_options.MinimumSteps}";
            return (snapshot, [new RankedAction(ActionNames.Of(TrainingAction.Continue), 1, why)]);
        }

        if (_actions is null)
        {
            return (snapshot, RuleAdvisor.Rank(snapshot));
        }

        IReadOnlyList<RankedAction> ranked = _actions.Rank(snapshot);
        string keep = ActionNames.Of(TrainingAction.Continue);
        if (ranked[0].Action != keep && (ranked[0].Score < _options.AlarmThreshold || LossIsFalling(snapshot)))
        {
            // Not sure enough to alarm: continue goes first, the rest keep their order.
            ranked = [.. ranked.Where(a => a.Action == keep), .. ranked.Where(a => a.Action != keep)];
        }

        return (snapshot, ranked);
    }

    /// <summary>
    /// The progress gate: the loss of the last window is at most half its start, it is not rising steeply within the window (Theil–Sen change it is not rising within the windowlt; 50 % of its median) and
    /// it never was NaN/∞. Training that makes this much progress is not told to change (the model alone raised false
    /// alarms on a held-out regression workload whose loss fell by 90 %).
    /// </summary>
    public static bool LossIsFalling(RunSnapshot s) => LossIsFalling(s.Network.Features, s.Whole.Features);

    /// <summary>The progress gate on the window features of the network's last window and of the whole run.</summary>
    private static bool LossIsFalling(float[] network, float[] whole) =>
        network[s_lossPresent] > 0 && network[s_lossVsStart] <= Math.Log(0.5) && network[s_lossSlope] < 0.5
        && network[s_lossNonFinite] == 0 && whole[s_lossNonFinite] == 0;

    /// <summary>Replays the trace as an online advisor would see it (the live advisor's bounded history) and returns the first alarm step.</summary>
    public long? FirstAlarm(RunTrace trace)
    {
        long? next = null;
        var confirm = new AlarmConfirmation(_options.ConfirmEvaluations);
        var live = new LiveTrace(trace.Run);
        for (int count = 1; count <= trace.Count; count++)
        {
            long step = trace.Steps[count - 1];
            live.Append(trace, count - 1);
            next ??= step;
            if (step < next && count < trace.Count)
            {
                continue;
            }

            next = step + _options.IntervalAt(step);
            if (confirm.Alarm(TopAction(live)))
            {
                return step;
            }
        }

        return null;
    }

    /// <summary>
    /// The top action of <see cref="Evaluate(LiveTrace)"/>, for the replay: where a gate already decides it (too few steps;
    /// for the model advisor, the loss falling), from the network's and the whole run's window features alone, without
    /// classifying the layers' windows (a 20-layer run has 22 windows per evaluation, 569 evaluations over 100,000 steps).
    /// </summary>
    internal string TopAction(LiveTrace live)
    {
        if (live.LastWindows() is not { } cut)
        {
            return ActionNames.Of(TrainingAction.Continue);
        }

        if (cut.Whole.Activity.Count(float.IsFinite) < _options.MinimumSteps)
        {
            return ActionNames.Of(TrainingAction.Continue);
        }

        if (_actions is not null)
        {
            float[] network = new float[WindowFeatures.Count], whole = new float[WindowFeatures.Count];
            WindowFeatures.Compute(cut.Last[0], network);
            WindowFeatures.Compute(cut.Whole, whole);
            if (LossIsFalling(network, whole))
            {
                return ActionNames.Of(TrainingAction.Continue);
            }
        }

        return Evaluate(RunSnapshot.FromWindows(cut.Last, cut.Whole, _shapes)).Actions[0].Action;
    }
}
