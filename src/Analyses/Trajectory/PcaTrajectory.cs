namespace MLGradientInsight.Analyses.Trajectory;

/// <summary>
/// The trajectory projected on its first two principal components (Li et al. 2018), and beside it a random walk with
/// the same step lengths projected the same way (Antognini &amp; Sohl-Dickstein 2018): PCA pictures of random walks
/// look structured too, so a trajectory's explained variance means little unless it differs from the walk's.
/// </summary>
/// <param name="Points">The trajectory on PC1/PC2 (variant <c>pca</c>).</param>
/// <param name="ExplainedVariance">The fraction of variance each principal component explains, largest first (all K − 1 of them).</param>
/// <param name="RandomWalkPoints">The random walk on its own PC1/PC2 (variant <c>random-walk-pca</c>).</param>
/// <param name="RandomWalkExplainedVariance">The walk's explained-variance fractions.</param>
public sealed record PcaTrajectory(
    IReadOnlyList<TrajectoryPoint> Points, IReadOnlyList<double> ExplainedVariance,
    IReadOnlyList<TrajectoryPoint> RandomWalkPoints, IReadOnlyList<double> RandomWalkExplainedVariance);
