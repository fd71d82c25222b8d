using MLGradientInsight.Reports.Model;

namespace MLGradientInsight.Reports;

/// <summary>Options for building run reports. Validated once, by <see cref="Validate"/> (called by every builder).</summary>
public sealed class ReportOptions
{
    /// <summary>The defaults.</summary>
    public static readonly ReportOptions Default = new();

    /// <summary>The largest allowed <see cref="MaxPoints"/>.</summary>
    public const int MaxPointsLimit = 1_000_000;

    /// <summary>Gets the most points drawn per series; longer series are reduced to their min/max envelope. Default 4,000; 16 … 1,000,000.</summary>
    public int MaxPoints { get; init; } = 4000;

    /// <summary>Gets how many non-finite values each series lists with their step (all are counted). Default 20; 0 … 10,000.</summary>
    public int MaxListedNonFinite { get; init; } = 20;

    /// <summary>Gets the analyses that add panels to each run (classifier, advisor, trajectory, linear path, importance).</summary>
    public IReadOnlyList<IReportContributor> Contributors { get; init; } = [];

    /// <summary>Checks the options.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A value is out of range (the message names the property and the range).</exception>
    public void Validate()
    {
        if (MaxPoints is < 16 or > MaxPointsLimit)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxPoints), MaxPoints, $"MaxPoints must be between 16 and {MaxPointsLimit:N0}.");
        }

        if (MaxListedNonFinite is < 0 or > 10_000)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxListedNonFinite), MaxListedNonFinite, "MaxListedNonFinite must be between 0 and 10,000.");
        }

        ArgumentNullException.ThrowIfNull(Contributors);
    }
}
