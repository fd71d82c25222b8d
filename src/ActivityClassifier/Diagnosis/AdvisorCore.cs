using MLGradientInsight.ActivityClassifier.Actions;
using MLGradientInsight.ActivityClassifier.Shapes;
using MLGradientInsight.ActivityClassifier.Traces;

namespace MLGradientInsight.ActivityClassifier.Diagnosis;

/// <summary>One evaluation: a trace (prefix) → snapshot → ranked actions, shared by the offline diagnoser and the live advisor.</summary>
internal sealed class AdvisorCore
{
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

    public (RunSnapshot? Snapshot, IReadOnlyList<RankedAction> Actions) Evaluate(RunTrace trace)
    {
        RunSnapshot? snapshot = RunSnapshot.Create(trace, _shapes);
        if (snapshot is null || snapshot.Whole.FiniteCount < _options.MinimumSteps)
        {
            string why = snapshot is null ? "no finite activity yet (the tracker's warm-up)" : $"only {snapshot.Whole.FiniteCount} steps with activity so far; the advisor waits for {_options.MinimumSteps}";
            return (snapshot, [new RankedAction(ActionNames.Of(TrainingAction.Continue), 1, why)]);
        }

        return (snapshot, _actions is null ? RuleAdvisor.Rank(snapshot) : _actions.Rank(snapshot));
    }

    /// <summary>Replays the trace as an online advisor would see it and returns the first alarm step.</summary>
    public long? FirstAlarm(RunTrace trace)
    {
        long? next = null;
        for (int count = 1; count <= trace.Count; count++)
        {
            long step = trace.Steps[count - 1];
            next ??= step;
            if (step < next && count < trace.Count)
            {
                continue;
            }

            next = step + _options.IntervalAt(step);
            (_, IReadOnlyList<RankedAction> actions) = Evaluate(trace.Prefix(count));
            if (actions[0].Action != ActionNames.Of(TrainingAction.Continue))
            {
                return step;
            }
        }

        return null;
    }
}
