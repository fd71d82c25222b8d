namespace MLGradientInsight.Reports.Downsampling;

/// <summary>
/// Chooses which points of a step-indexed series to draw so that the drawn line keeps every extreme: the M4 envelope
/// (first, smallest, largest and last point of each bucket, in order).
/// </summary>
/// <remarks>
/// The finite points are split into <c>⌊maxPoints / 4⌋</c> buckets of (nearly) equal point count. Per bucket the
/// points with the first and last index and the smallest and largest value are kept (ties: the earliest), sorted by
/// index and without repeats, so a bucket contributes 1–4 points. A line through the kept points therefore reaches the
/// minimum and the maximum of every bucket: no spike and no dip is dropped, and at one bucket per pixel column the
/// picture is the same as with every point. Non-finite values (NaN, ±∞) are never chosen; callers count and report them.
/// When the series has at most <c>maxPoints</c> finite points every finite point is kept.
/// </remarks>
public static class MinMaxDownsampler
{
    /// <summary>The smallest point budget: one bucket of four points.</summary>
    public const int MinimumPoints = 4;

    /// <summary>Selects the points to draw.</summary>
    /// <param name="values">The series values in step order.</param>
    /// <param name="maxPoints">The most points to keep (at least <see cref="MinimumPoints"/>).</param>
    /// <param name="selected">Receives the kept indices into <paramref name="values"/>, ascending; needs room for
    /// <c>min(values.Length, maxPoints)</c> entries.</param>
    /// <returns>How many indices were written to <paramref name="selected"/>.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="maxPoints"/> is below <see cref="MinimumPoints"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="selected"/> is too short.</exception>
    public static int Select(ReadOnlySpan<double> values, int maxPoints, Span<int> selected)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxPoints, MinimumPoints);
        int needed = Math.Min(values.Length, maxPoints);
        if (selected.Length < needed)
        {
            throw new ArgumentException($"The destination holds {selected.Length} indices but up to {needed} may be selected; pass a span of at least min(values.Length, maxPoints).", nameof(selected));
        }

        int finite = 0;
        foreach (double v in values)
        {
            if (double.IsFinite(v))
            {
                finite++;
            }
        }

        int count = 0;
        if (finite <= maxPoints)
        {
            for (int i = 0; i < values.Length; i++)
            {
                if (double.IsFinite(values[i]))
                {
                    selected[count++] = i;
                }
            }

            return count;
        }

        int buckets = maxPoints / 4;
        int index = 0;
        for (int b = 0; b < buckets; b++)
        {
            // Bucket b holds the finite points with rank in [b*finite/buckets, (b+1)*finite/buckets).
            long end = (long)(b + 1) * finite / buckets;
            long start = (long)b * finite / buckets;
            int first = -1, last = -1, min = -1, max = -1;
            for (long rank = start; rank < end; index++)
            {
                double v = values[index];
                if (!double.IsFinite(v))
                {
                    continue;
                }

                if (first < 0)
                {
                    first = min = max = index;
                }
                else
                {
                    if (v < values[min])
                    {
                        min = index;
                    }

                    if (v > values[max])
                    {
                        max = index;
                    }
                }

                last = index;
                rank++;
            }

            count = AppendSorted(selected, count, first, min, max, last);
        }

        return count;
    }

    /// <summary>Appends the four bucket indices in ascending order, skipping repeats.</summary>
    private static int AppendSorted(Span<int> selected, int count, int first, int a, int b, int last)
    {
        int low = Math.Min(a, b);
        int high = Math.Max(a, b);
        ReadOnlySpan<int> ordered = [first, low, high, last];
        foreach (int i in ordered)
        {
            if (count == 0 || selected[count - 1] < i)
            {
                selected[count++] = i;
            }
        }

        return count;
    }
}
