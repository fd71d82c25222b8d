namespace MLGradientInsight.Analyses.GradientSpace;

/// <summary>Accuracy after pruning the least important weights by one criterion, against random pruning of the same size.</summary>
/// <param name="Criterion">The ranking: an <see cref="ImportanceCriterion"/> name, or <c>Magnitude</c> (|w|, the usual baseline).</param>
/// <param name="Sparsity">The fraction of each weight tensor set to zero.</param>
/// <param name="PrunedWeights">The number of weights set to zero (biases are never pruned).</param>
/// <param name="Accuracy">Accuracy after pruning by the criterion.</param>
/// <param name="RandomAccuracy">Mean accuracy after pruning the same number of weights per tensor at random.</param>
/// <param name="UnprunedAccuracy">Accuracy of the model as it was.</param>
public sealed record PruningResult(string Criterion, double Sparsity, int PrunedWeights, double Accuracy, double RandomAccuracy, double UnprunedAccuracy);
