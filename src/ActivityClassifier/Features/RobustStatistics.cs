namespace MLGradientInsight.ActivityClassifier.Features;

/// <summary>Median, MAD and Theil–Sen slope on small scratch spans (order statistics by sorting a copy).</summary>
internal static class RobustStatistics
{
    /// <summary>Scale factor that makes the MAD a consistent estimate of σ for normal data.</summary>
    public const double MadToSigma = 1.4826;

    /// <summary>The median of <paramref name="values"/>; sorts the span in place. NaN for an empty span.</summary>
    /// <param name="values">The values (finite); reordered.</param>
    /// <returns>The median.</returns>
    public static double MedianInPlace(Span<double> values)
    {
        if (values.IsEmpty)
        {
            return double.NaN;
        }

        values.Sort();
        int n = values.Length;
        return n % 2 == 1 ? values[n / 2] : 0.5 * (values[(n / 2) - 1] + values[n / 2]);
    }

    /// <summary>The median of the finite values of <paramref name="values"/> (NaN when none).</summary>
    /// <param name="values">The values.</param>
    /// <returns>The median.</returns>
    public static double FiniteMedian(ReadOnlySpan<float> values)
    {
        double[] scratch = new double[values.Length];
        int n = 0;
        foreach (float v in values)
        {
            if (float.IsFinite(v))
            {
                scratch[n++] = v;
            }
        }

        return MedianInPlace(scratch.AsSpan(0, n));
    }

    /// <summary>
    /// Splits <paramref name="values"/> (in time order) into <paramref name="medians"/>.Length equal blocks and writes
    /// each block's median; then returns the Theil–Sen slope through the block medians (median of pairwise slopes, per block).
    /// </summary>
    /// <param name="values">The values in time order (finite).</param>
    /// <param name="medians">Receives the block medians; its length is the number of blocks (≥ 2, ≤ values.Length).</param>
    /// <returns>The slope per block.</returns>
    public static double BlockTheilSen(ReadOnlySpan<double> values, Span<double> medians)
    {
        int blocks = medians.Length;
        int n = values.Length;
        double[] scratch = new double[(n / blocks) + 1];
        for (int b = 0; b < blocks; b++)
        {
            int start = (int)((long)b * n / blocks), end = (int)((long)(b + 1) * n / blocks);
            Span<double> block = scratch.AsSpan(0, end - start);
            values[start..end].CopyTo(block);
            medians[b] = MedianInPlace(block);
        }

        Span<double> slopes = stackalloc double[blocks * (blocks - 1) / 2];
        int k = 0;
        for (int i = 0; i < blocks; i++)
        {
            for (int j = i + 1; j < blocks; j++)
            {
                slopes[k++] = (medians[j] - medians[i]) / (j - i);
            }
        }

        return MedianInPlace(slopes);
    }

    /// <summary>The block index of position <paramref name="i"/> of <paramref name="n"/> split into <paramref name="blocks"/> equal blocks.</summary>
    /// <param name="i">The position.</param>
    /// <param name="n">The number of positions.</param>
    /// <param name="blocks">The number of blocks.</param>
    /// <returns>The block index.</returns>
    public static int BlockOf(int i, int n, int blocks) => (int)((((long)i + 1) * blocks - 1) / n);
}
