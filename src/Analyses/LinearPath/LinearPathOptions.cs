namespace MLGradientInsight.Analyses.LinearPath;

/// <summary>Options of <see cref="LinearPathAnalyzer"/>.</summary>
public sealed class LinearPathOptions
{
    /// <summary>Gets the interpolation coefficients; default 0, 0.1, …, 1. Values outside [0, 1] extrapolate.</summary>
    public IReadOnlyList<double> Alphas { get; init; } = AlphaGrid.Parse(AlphaGrid.Default);

    /// <summary>Gets what moves along the path; default the whole model.</summary>
    public LinearPathScope Scope { get; init; } = LinearPathScope.Model;

    /// <summary>Gets, for <see cref="LinearPathScope.Parameter"/>, how many scalar parameters are sampled per layer; default 10.</summary>
    public int ParametersPerLayer { get; init; } = 10;

    /// <summary>Gets the seed of the parameter sample; default 1.</summary>
    public int Seed { get; init; } = 1;

    /// <summary>Checks the options.</summary>
    /// <exception cref="ArgumentException">There are no α values, one is not finite, or the sample size is not positive.</exception>
    public void Validate()
    {
        if (Alphas is null || Alphas.Count == 0)
        {
            throw new ArgumentException("Give at least one α value (e.g. the grid 0:1:11).", nameof(Alphas));
        }

        foreach (double a in Alphas)
        {
            if (!double.IsFinite(a))
            {
                throw new ArgumentException(FormattableString.Invariant($"α must be finite; got {a}."), nameof(Alphas));
            }
        }

        if (ParametersPerLayer <= 0)
        {
            throw new ArgumentException($"ParametersPerLayer must be positive; got {ParametersPerLayer}.", nameof(ParametersPerLayer));
        }
    }
}
