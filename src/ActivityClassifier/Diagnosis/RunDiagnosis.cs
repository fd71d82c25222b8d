using MLGradientInsight.ActivityClassifier.Actions;

namespace MLGradientInsight.ActivityClassifier.Diagnosis;

/// <summary>The diagnosis of one run (the JSON schema of <c>mlgi diagnose --json</c>, docs/classifier.md).</summary>
/// <param name="Run">The run name.</param>
/// <param name="Steps">The number of recorded steps.</param>
/// <param name="Actions">The ranked actions at the end of the trace, best first.</param>
/// <param name="FirstAlarmStep">The first step at which the online advisor, fed the trace step by step, ranked something other than <c>continue</c> first (null if never).</param>
/// <param name="Windows">The shape of every window of the network and of every layer.</param>
/// <param name="Layers">One finding per layer.</param>
public sealed record RunDiagnosis(
    string Run,
    long Steps,
    IReadOnlyList<RankedAction> Actions,
    long? FirstAlarmStep,
    IReadOnlyList<WindowShape> Windows,
    IReadOnlyList<LayerFinding> Layers);
