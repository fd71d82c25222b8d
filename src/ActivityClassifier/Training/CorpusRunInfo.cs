namespace MLGradientInsight.ActivityClassifier.Training;

/// <summary>One row of the corpus manifest (<c>runs.csv</c>): how a run was made and what its right action is.</summary>
/// <param name="Run">The run name (<c>workload/condition/optimizer/sSEED</c>).</param>
/// <param name="Workload">The workload (model + dataset).</param>
/// <param name="Seed">The seed.</param>
/// <param name="Optimizer">The optimizer.</param>
/// <param name="Condition">The condition (healthy or the injected fault).</param>
/// <param name="Fault">The fault, <c>none</c> for healthy runs.</param>
/// <param name="Action">The right action.</param>
/// <param name="OnsetStep">The step from which the fault acts (0 for healthy runs).</param>
/// <param name="Steps">The steps trained.</param>
/// <param name="Status">How training ended (<c>Completed</c>, <c>NonFinite</c>).</param>
/// <param name="Effective">Whether the condition had its intended effect (only effective runs are used).</param>
public sealed record CorpusRunInfo(
    string Run,
    string Workload,
    int Seed,
    string Optimizer,
    string Condition,
    string Fault,
    string Action,
    long OnsetStep,
    long Steps,
    string Status,
    bool Effective);
