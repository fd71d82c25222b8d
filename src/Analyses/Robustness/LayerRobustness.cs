namespace MLGradientInsight.Analyses.Robustness;

/// <summary>What resetting one layer did to the trained model.</summary>
/// <param name="Layer">The layer (e.g. <c>fc1</c>).</param>
/// <param name="Mode"><c>reinitialization</c> or <c>rerandomization</c>.</param>
/// <param name="Loss">The evaluation loss with the layer reset (mean over draws for re-randomisation).</param>
/// <param name="Accuracy">The accuracy with the layer reset, NaN for regression.</param>
/// <param name="TrainedLoss">The loss of the trained model (θ1).</param>
/// <param name="TrainedAccuracy">The accuracy of the trained model, NaN for regression.</param>
/// <param name="Damage">The measured harm compared with <paramref name="Threshold"/>: error rise (accuracy drop) for classification, relative loss rise for regression.</param>
/// <param name="Threshold">The threshold the verdict used.</param>
/// <param name="Verdict"><c>robust</c> when <paramref name="Damage"/> is below the threshold, else <c>critical</c> (a non-finite loss is critical).</param>
public sealed record LayerRobustness(
    string Layer, string Mode, double Loss, double Accuracy, double TrainedLoss, double TrainedAccuracy, double Damage, double Threshold, string Verdict);
