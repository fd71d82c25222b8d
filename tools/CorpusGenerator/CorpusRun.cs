using MLGradientInsight.Transforms.Activity;

namespace MLGradientInsight.CorpusGenerator;

/// <summary>One trained corpus run: its labels and its activity trace.</summary>
internal sealed record CorpusRun(
    string Name,
    string Workload,
    int Seed,
    string Optimizer,
    Condition Condition,
    long OnsetStep,
    long Steps,
    string Status,
    double FirstLoss,
    double FinalLoss,
    IReadOnlyList<ActivityRecord> Records)
{
    /// <summary>Gets or sets whether the condition had its intended effect (see <see cref="Effectiveness"/>); only effective runs are used.</summary>
    public bool Effective { get; set; }
}
