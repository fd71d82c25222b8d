namespace MLGradientInsight.Analyses.LinearPath;

/// <summary>How far parameters travelled between θ0 and θ1 (002 §3): Euclidean distance, absolute and relative to the initial norm.</summary>
/// <param name="Scope"><c>model</c>, <c>layer</c>, <c>tensor</c> or <c>parameter</c> (one sampled scalar).</param>
/// <param name="Target">The model, a layer (<c>fc1</c>), a tensor (<c>fc1.weight</c>) or a scalar (<c>fc1.weight[1234]</c>).</param>
/// <param name="Layer">The layer of the target (<c>model</c> for the whole model).</param>
/// <param name="Count">The number of scalars measured.</param>
/// <param name="Distance">‖θ1 − θ0‖₂.</param>
/// <param name="InitialNorm">‖θ0‖₂.</param>
/// <param name="RelativeDistance">Distance / InitialNorm; 0 when both are 0, +∞ when only the initial norm is 0 (e.g. a bias initialised to zero).</param>
public sealed record ParameterDistance(string Scope, string Target, string Layer, int Count, double Distance, double InitialNorm, double RelativeDistance);
