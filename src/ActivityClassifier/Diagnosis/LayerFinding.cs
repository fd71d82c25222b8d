namespace MLGradientInsight.ActivityClassifier.Diagnosis;

/// <summary>What the advisor says about one layer at the end of the trace.</summary>
/// <param name="Layer">The layer name.</param>
/// <param name="Finding">The finding in words.</param>
public sealed record LayerFinding(string Layer, string Finding);
