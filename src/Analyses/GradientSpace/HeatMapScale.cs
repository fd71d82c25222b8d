namespace MLGradientInsight.Analyses.GradientSpace;

/// <summary>
/// The colour mapping shared by <see cref="HeatMapSvg"/> and <see cref="HeatMapPng"/>: finite values map linearly to grey levels,
/// white for the smallest and black for the largest; NaN and ±∞ cells are red.
/// </summary>
internal readonly record struct HeatMapScale(float Min, float Max)
{
    /// <summary>The range of the finite values of <paramref name="map"/> (±∞ when none is finite).</summary>
    public static HeatMapScale Of(float[,] map)
    {
        float min = float.PositiveInfinity, max = float.NegativeInfinity;
        foreach (float v in map)
        {
            if (float.IsFinite(v))
            {
                min = Math.Min(min, v);
                max = Math.Max(max, v);
            }
        }

        return new HeatMapScale(min, max);
    }

    /// <summary>The (red, green, blue) colour of a cell.</summary>
    public (byte R, byte G, byte B) Colour(float v)
    {
        if (!float.IsFinite(v))
        {
            return (255, 0, 0);
        }

        byte level = Max > Min ? (byte)Math.Round(255 * (1 - ((v - Min) / (Max - Min)))) : (byte)255;
        return (level, level, level);
    }
}
