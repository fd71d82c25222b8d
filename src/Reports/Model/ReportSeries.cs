namespace MLGradientInsight.Reports.Model;

/// <summary>One line of a chart: the points to draw, and what was left out of the drawing and why.</summary>
/// <remarks>
/// <see cref="X"/> and <see cref="Values"/> have the same length and hold only finite values, sorted by x (for step
/// series x is the 1-based step). When <see cref="Downsampled"/> is true they are the min/max envelope chosen by
/// <see cref="Downsampling.MinMaxDownsampler"/>, so every extreme of the source is among them.
/// Non-finite source values (NaN, ±∞) cannot be drawn: they are counted in <see cref="NonFiniteCount"/> and the first
/// ones are listed in <see cref="NonFinite"/>.
/// </remarks>
public sealed record ReportSeries
{
    /// <summary>Gets the series name shown in the legend (a layer name, a run name, a metric).</summary>
    public string Name { get; init; } = "";

    /// <summary>Gets the x values of the drawn points (steps for step series), ascending.</summary>
    public double[] X { get; init; } = [];

    /// <summary>Gets the y values of the drawn points, all finite.</summary>
    public double[] Values { get; init; } = [];

    /// <summary>Gets how many points the source series had (finite and non-finite).</summary>
    public long SourcePoints { get; init; }

    /// <summary>Gets a value indicating whether the drawn points are a min/max envelope of the source rather than all of it.</summary>
    public bool Downsampled { get; init; }

    /// <summary>Gets how many source values were NaN or ±∞ (not drawn).</summary>
    public long NonFiniteCount { get; init; }

    /// <summary>Gets the first non-finite source values with their x, in order (at most <see cref="ReportOptions.MaxListedNonFinite"/>).</summary>
    public IReadOnlyList<NonFinitePoint> NonFinite { get; init; } = [];
}

/// <summary>A source value that could not be drawn.</summary>
/// <param name="X">Its x (the step for step series).</param>
/// <param name="Value"><c>NaN</c>, <c>Infinity</c> or <c>-Infinity</c>.</param>
public sealed record NonFinitePoint(double X, string Value);
