using System.Globalization;

namespace MLGradientInsight.Cli;

/// <summary>The valid values of a numeric option, and how to say them in words.</summary>
/// <param name="Min">The lower bound (−∞ for none).</param>
/// <param name="MinInclusive">Whether <paramref name="Min"/> itself is valid.</param>
/// <param name="Max">The upper bound (+∞ for none).</param>
/// <param name="MaxInclusive">Whether <paramref name="Max"/> itself is valid.</param>
internal sealed record NumberRange(double Min, bool MinInclusive, double Max, bool MaxInclusive)
{
    /// <summary>Any finite number.</summary>
    public static NumberRange Any { get; } = new(double.NegativeInfinity, false, double.PositiveInfinity, false);

    /// <summary>Numbers greater than 0.</summary>
    public static NumberRange Positive { get; } = new(0, false, double.PositiveInfinity, false);

    /// <summary>Numbers ≥ 0.</summary>
    public static NumberRange NonNegative { get; } = AtLeast(0);

    /// <summary>Numbers ≥ <paramref name="min"/>.</summary>
    /// <param name="min">The smallest valid value.</param>
    /// <returns>The range.</returns>
    public static NumberRange AtLeast(double min) => new(min, true, double.PositiveInfinity, false);

    /// <summary>Numbers from <paramref name="min"/> to <paramref name="max"/>, both included.</summary>
    /// <param name="min">The smallest valid value.</param>
    /// <param name="max">The largest valid value.</param>
    /// <returns>The range.</returns>
    public static NumberRange Between(double min, double max) => new(min, true, max, true);

    /// <summary>Numbers from <paramref name="min"/> (included) up to <paramref name="max"/> (excluded).</summary>
    /// <param name="min">The smallest valid value.</param>
    /// <param name="max">The first invalid value above the range.</param>
    /// <returns>The range.</returns>
    public static NumberRange From(double min, double max) => new(min, true, max, false);

    /// <summary>Whether <paramref name="value"/> is in the range.</summary>
    /// <param name="value">The value.</param>
    /// <returns>True when valid.</returns>
    public bool Contains(double value) =>
        (MinInclusive ? value >= Min : value > Min) && (MaxInclusive ? value <= Max : value < Max);

    /// <summary>The range in words: "a number greater than 0", "a whole number from 1 to 1024".</summary>
    /// <param name="wholeNumbers">Whether only whole numbers are valid.</param>
    /// <returns>The words.</returns>
    public string Describe(bool wholeNumbers)
    {
        string kind = wholeNumbers ? "a whole number" : "a number";
        bool hasMin = !double.IsNegativeInfinity(Min), hasMax = !double.IsPositiveInfinity(Max);
        string min = Format(Min), max = Format(Max);
        return (hasMin, hasMax) switch
        {
            (false, false) => kind,
            (true, false) => MinInclusive ? $"{kind} of at least {min}" : $"{kind} greater than {min}",
            (false, true) => MaxInclusive ? $"{kind} of at most {max}" : $"{kind} less than {max}",
            _ => (MinInclusive, MaxInclusive) switch
            {
                (true, true) => $"{kind} from {min} to {max}",
                (true, false) => $"{kind} from {min} up to, but not including, {max}",
                (false, true) => $"{kind} greater than {min} and at most {max}",
                _ => $"{kind} between {min} and {max} (both excluded)",
            },
        };
    }

    private static string Format(double value) => value.ToString("R", CultureInfo.InvariantCulture);
}
