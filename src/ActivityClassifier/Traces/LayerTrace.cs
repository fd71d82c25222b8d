namespace MLGradientInsight.ActivityClassifier.Traces;

/// <summary>One layer's activity in a <see cref="RunTrace"/>, aligned with <see cref="RunTrace.Steps"/> (NaN where the layer has no row).</summary>
/// <param name="Name">The layer name.</param>
/// <param name="Activity">Activity per step.</param>
/// <param name="ExcludedFraction">Excluded fraction per step (NaN where missing).</param>
public sealed record LayerTrace(string Name, IReadOnlyList<double> Activity, IReadOnlyList<double> ExcludedFraction);
