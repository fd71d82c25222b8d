namespace MLGradientInsight.Analyses.Trajectory;

/// <summary>The fraction of a trajectory's variance one principal component explains.</summary>
/// <param name="Variant"><c>pca</c> (the trajectory) or <c>random-walk-pca</c> (the baseline).</param>
/// <param name="Component">The 1-based component number.</param>
/// <param name="Explained">The fraction of the total variance, in [0, 1].</param>
public sealed record ExplainedVariance(string Variant, int Component, double Explained)
{
    /// <summary>Lists both explained-variance series of a PCA picture as rows.</summary>
    /// <param name="pca">The PCA picture.</param>
    /// <returns>The trajectory's components, then the random walk's.</returns>
    public static IReadOnlyList<ExplainedVariance> Rows(PcaTrajectory pca)
    {
        ArgumentNullException.ThrowIfNull(pca);
        return
        [
            .. pca.ExplainedVariance.Select((v, i) => new ExplainedVariance("pca", i + 1, v)),
            .. pca.RandomWalkExplainedVariance.Select((v, i) => new ExplainedVariance("random-walk-pca", i + 1, v)),
        ];
    }
}
