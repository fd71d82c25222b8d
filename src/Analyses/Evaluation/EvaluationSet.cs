using MLGradientInsight.Trainers.Data;

namespace MLGradientInsight.Analyses.Evaluation;

/// <summary>Chooses the fixed, seeded evaluation subset every point of an analysis is evaluated on.</summary>
public static class EvaluationSet
{
    /// <summary>Draws <paramref name="count"/> distinct samples without replacement (seeded), or returns the whole set when it is not larger.</summary>
    /// <param name="data">The data to draw from (usually the test split).</param>
    /// <param name="count">The number of samples wanted.</param>
    /// <param name="seed">The seed of the draw; the same seed gives the same subset.</param>
    /// <returns>The subset (sorted by original index), or <paramref name="data"/> itself.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="count"/> is not positive.</exception>
    public static Dataset Sample(Dataset data, int count, int seed)
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(count);
        if (count >= data.Count)
        {
            return data;
        }

        int[] order = [.. Enumerable.Range(0, data.Count)];
        SeedStreams.Create(seed, "evaluation-set").Shuffle(order);
        int[] chosen = order[..count];
        Array.Sort(chosen);
        return data.Subset(chosen, FormattableString.Invariant($"{data.Name}/eval{count}@{seed}"));
    }
}
