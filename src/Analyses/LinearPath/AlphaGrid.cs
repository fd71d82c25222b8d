using System.Globalization;

namespace MLGradientInsight.Analyses.LinearPath;

/// <summary>The interpolation coefficients α of a linear path: an evenly spaced grid that always contains 0 and 1.</summary>
public static class AlphaGrid
{
    /// <summary>The default grid: 0, 0.1, …, 1 (11 points).</summary>
    public const string Default = "0:1:11";

    /// <summary>Creates <paramref name="count"/> evenly spaced values from <paramref name="start"/> to <paramref name="end"/>, plus 0 and 1 when they are not among them.</summary>
    /// <param name="start">The first α (below 0 extrapolates past θ0).</param>
    /// <param name="end">The last α (above 1 extrapolates past θ1).</param>
    /// <param name="count">The number of grid points, at least 2.</param>
    /// <returns>The sorted, distinct values.</returns>
    /// <exception cref="ArgumentOutOfRangeException">A bound is not finite, <paramref name="end"/> ≤ <paramref name="start"/>, or <paramref name="count"/> &lt; 2.</exception>
    public static IReadOnlyList<double> Create(double start, double end, int count)
    {
        if (!double.IsFinite(start) || !double.IsFinite(end) || end <= start)
        {
            throw new ArgumentOutOfRangeException(nameof(end), end, FormattableString.Invariant($"The α range must be finite with start < end; got {start}:{end}."));
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(count, 2);
        var values = new SortedSet<double> { 0, 1 };
        for (int i = 0; i < count; i++)
        {
            // Rounded to 12 digits so 0.1 steps land on 0.3, not 0.30000000000000004, and hit 0 and 1 exactly.
            values.Add(Math.Round(start + ((end - start) * i / (count - 1)), 12));
        }

        return [.. values];
    }

    /// <summary>Parses <c>START:END:COUNT</c>, e.g. <c>-0.5:1.5:41</c>.</summary>
    /// <param name="text">The grid specification.</param>
    /// <returns>The values (see <see cref="Create"/>).</returns>
    /// <exception cref="FormatException">The text is not of that form; the message shows an example.</exception>
    public static IReadOnlyList<double> Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        string[] parts = text.Split(':');
        if (parts.Length == 3
            && double.TryParse(parts[0], NumberStyles.Float, CultureInfo.InvariantCulture, out double start)
            && double.TryParse(parts[1], NumberStyles.Float, CultureInfo.InvariantCulture, out double end)
            && int.TryParse(parts[2], NumberStyles.None, CultureInfo.InvariantCulture, out int count)
            && double.IsFinite(start) && double.IsFinite(end) && end > start && count >= 2)
        {
            return Create(start, end, count);
        }

        throw new FormatException(
            $"The α grid '{text}' is not START:END:COUNT with START < END and COUNT ≥ 2 (e.g. 0:1:11, or -0.5:1.5:41 to extrapolate past both ends).");
    }
}
