namespace MLGradientInsight.Transforms.Store;

/// <summary>
/// One decision of the closed loop (<c>mlgi train --auto-adjust</c>): an action the advisor ranked first, whether it was
/// applied or held back by a guard rail, the learning rate before and after, and the advisor's evidence (a row of the
/// <c>advisor_actions</c> table).
/// </summary>
public sealed record AdvisorActionRecord
{
    /// <summary>The <see cref="Outcome"/> of an action that changed the learning rate.</summary>
    public const string Applied = "applied";

    /// <summary>Gets the run id.</summary>
    public string Run { get; init; } = "";

    /// <summary>Gets the step at which the advisor ranked the action first.</summary>
    public long Step { get; init; }

    /// <summary>Gets the action (<c>lower-learning-rate</c>, <c>raise-learning-rate</c>, or another action that is reported only).</summary>
    public string Action { get; init; } = "";

    /// <summary>Gets what happened: <c>applied</c>, or the guard rail that held it back (<c>warm-up</c>, <c>cool-down</c>, <c>non-finite-step</c>, <c>at-bound</c>), or <c>reported</c> for actions that are not applied.</summary>
    public string Outcome { get; init; } = "";

    /// <summary>Gets the learning rate before the decision.</summary>
    public double OldLearningRate { get; init; } = double.NaN;

    /// <summary>Gets the learning rate after the decision (the old one when not applied).</summary>
    public double NewLearningRate { get; init; } = double.NaN;

    /// <summary>Gets the advisor's evidence, in words.</summary>
    public string Evidence { get; init; } = "";
}
