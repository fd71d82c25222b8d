using MLGradientInsight.ActivityClassifier.Actions;

namespace MLGradientInsight.ActivityClassifier.Diagnosis;

/// <summary>Raised by <see cref="TrainingAdvisor.AdviceChanged"/> when the top action changes.</summary>
/// <param name="Step">The step at which the advice was computed.</param>
/// <param name="Actions">The ranked actions, best first.</param>
public sealed record AdviceChangedEventArgs(long Step, IReadOnlyList<RankedAction> Actions)
{
    /// <summary>Gets the top action.</summary>
    public RankedAction Top => Actions[0];
}
