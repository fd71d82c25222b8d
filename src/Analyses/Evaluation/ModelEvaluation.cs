namespace MLGradientInsight.Analyses.Evaluation;

/// <summary>The result of one evaluation.</summary>
/// <param name="Loss">The mean loss over the evaluation set (NaN or ∞ when the model produced non-finite outputs).</param>
/// <param name="Accuracy">The fraction classified correctly, or NaN for a regression model.</param>
/// <param name="Samples">The number of samples evaluated.</param>
public sealed record ModelEvaluation(double Loss, double Accuracy, int Samples);
