using MLGradientInsight.Analyses.Evaluation;

namespace MLGradientInsight.Analyses.Robustness;

/// <summary>The result of <see cref="LayerRobustnessAnalyzer.Run"/>.</summary>
/// <param name="Trained">The trained model's evaluation.</param>
/// <param name="Layers">One row per layer and reset mode, in model order.</param>
/// <param name="Cost">What the run cost.</param>
public sealed record RobustnessResult(ModelEvaluation Trained, IReadOnlyList<LayerRobustness> Layers, AnalysisCost Cost);
