namespace MLGradientInsight.Analyses.Trajectory;

/// <summary>One point of a training trajectory drawn in the plane.</summary>
/// <param name="Variant"><c>random</c> (001's picture), <c>weighted</c> (001 UPD 2), <c>pca</c> (Li et al. 2018) or <c>random-walk-pca</c> (the baseline of Antognini &amp; Sohl-Dickstein 2018).</param>
/// <param name="Step">The optimizer step after which the weights were taken (0 = before training).</param>
/// <param name="Epoch">The 1-based epoch of that step (0 before training).</param>
/// <param name="X">The first coordinate.</param>
/// <param name="Y">The second coordinate.</param>
/// <param name="Loss">The mean training batch loss over the steps since the previous point (NaN when unknown, e.g. the random-walk baseline).</param>
public sealed record TrajectoryPoint(string Variant, long Step, int Epoch, double X, double Y, double Loss);
