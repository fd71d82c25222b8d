namespace MLGradientInsight.CorpusGenerator;

/// <summary>How a corpus run is set up to fail (or not), the fault's name and the fix that is right for it.</summary>
/// <param name="Name">The condition name (in the run name and manifest).</param>
/// <param name="Fault">The fault (<c>none</c> for healthy runs).</param>
/// <param name="Action">The right action (advisor vocabulary).</param>
/// <param name="LearningRateFactor">The learning rate as a multiple of the workload's good one.</param>
internal sealed record Condition(string Name, string Fault, string Action, double LearningRateFactor)
{
    /// <summary>Gets the fraction of the run after which the learning rate collapses by 1000× (lr-collapse).</summary>
    public double CollapseAt { get; init; } = double.NaN;

    /// <summary>Gets the factor by which the learning rate has grown at the end of the run (lr-growing).</summary>
    public double GrowTo { get; init; } = double.NaN;

    /// <summary>Gets whether the training labels are randomly permuted.</summary>
    public bool ShuffleLabels { get; init; }

    /// <summary>Gets the scale applied to inputs (unnormalised inputs: raw 0–255 pixels, or ×100 + 50 for synthetic tasks).</summary>
    public bool Unnormalised { get; init; }

    /// <summary>Gets the factor applied to every initial weight (tiny / huge initialisation).</summary>
    public double InitScale { get; init; } = 1;

    /// <summary>Gets the value all hidden biases are set to (dying ReLUs); NaN keeps the default.</summary>
    public double HiddenBias { get; init; } = double.NaN;

    /// <summary>Gets whether the model is replaced by a deep sigmoid stack.</summary>
    public bool DeepSigmoid { get; init; }

    /// <summary>Gets every condition of the corpus.</summary>
    public static IReadOnlyList<Condition> All { get; } =
    [
        new("healthy", "none", "continue", 1),
        new("healthy-lr-x0.3", "none", "continue", 0.3),
        new("healthy-lr-x3", "none", "continue", 3),
        new("lr-too-high", "learning-rate-too-high", "lower-learning-rate", 100),
        new("exploding", "exploding", "lower-learning-rate", 1000),
        new("lr-too-low", "learning-rate-too-low", "raise-learning-rate", 1e-3),
        new("lr-collapse", "learning-rate-collapse", "raise-learning-rate", 1) { CollapseAt = 0.05 },
        new("lr-growing", "learning-rate-growing", "lower-learning-rate", 1) { GrowTo = 1000 },
        new("shuffled-labels", "shuffled-labels", "check-data", 1) { ShuffleLabels = true },
        new("unnormalised-inputs", "unnormalised-inputs", "check-data", 1) { Unnormalised = true },
        new("tiny-init", "tiny-initialisation", "check-initialization", 1) { InitScale = 1e-3 },
        new("huge-init", "huge-initialisation", "check-initialization", 1) { InitScale = 10 },
        new("dying-relu", "dying-relu", "check-initialization", 1) { HiddenBias = -4 },
        new("deep-sigmoid", "deep-sigmoid-stack", "check-architecture", 1) { DeepSigmoid = true },
    ];

    /// <summary>Whether the condition makes sense for a workload (dying ReLUs need ReLUs and biases).</summary>
    /// <param name="workload">The workload.</param>
    /// <returns>True when it applies.</returns>
    public bool AppliesTo(Workload workload) => double.IsNaN(HiddenBias) || workload.HasReLU;
}
