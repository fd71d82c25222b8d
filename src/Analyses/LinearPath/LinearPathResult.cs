using MLGradientInsight.Analyses.Evaluation;

namespace MLGradientInsight.Analyses.LinearPath;

/// <summary>The result of <see cref="LinearPathAnalyzer.Run"/>.</summary>
/// <param name="Points">Every evaluated point, by target then α.</param>
/// <param name="Distances">Distances travelled: the model, each layer, each tensor and (parameter scope) each sampled scalar.</param>
/// <param name="Cost">What the run cost.</param>
public sealed record LinearPathResult(IReadOnlyList<LinearPathPoint> Points, IReadOnlyList<ParameterDistance> Distances, AnalysisCost Cost);
