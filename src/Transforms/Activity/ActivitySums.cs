namespace MLGradientInsight.Transforms.Activity;

/// <summary>Partial sums of one fused pass over a slice of a layer (combined in a fixed order, so results are deterministic).</summary>
internal struct ActivitySums
{
    /// <summary>Σ dI (after root scaling) over included elements.</summary>
    public double SumActivity;

    /// <summary>Number of included elements.</summary>
    public long Included;

    /// <summary>Σ M over included elements, before the update.</summary>
    public double SumIncludedMean;

    /// <summary>Σ M over all elements, after the update (for the next step's relative threshold).</summary>
    public double SumMean;

    /// <summary>Σ g² over finite elements.</summary>
    public double SumSquares;

    /// <summary>Number of non-finite gradient values.</summary>
    public long NonFinite;

    public void Add(in ActivitySums other)
    {
        SumActivity += other.SumActivity;
        Included += other.Included;
        SumIncludedMean += other.SumIncludedMean;
        SumMean += other.SumMean;
        SumSquares += other.SumSquares;
        NonFinite += other.NonFinite;
    }
}
