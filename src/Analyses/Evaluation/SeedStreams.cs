namespace MLGradientInsight.Analyses.Evaluation;

/// <summary>
/// Derives independent random streams from one user seed and a purpose. Needed because the engine initialises weights with
/// <c>new Random(seed)</c>: an analysis that used <c>new Random(seed)</c> directly would replay the very numbers the weights
/// were drawn from (001's directions would correlate with θ0 and put the picture thousands of units off the origin;
/// re-randomisation would reproduce θ0 exactly).
/// </summary>
internal static class SeedStreams
{
    /// <summary>Creates the stream for <paramref name="purpose"/> (e.g. <c>"plane"</c>, <c>"rerandomize:fc1"</c>).</summary>
    public static Random Create(int seed, string purpose)
    {
        // FNV-1a over the purpose, mixed with the seed by SplitMix64's finaliser.
        ulong h = 14695981039346656037UL;
        foreach (char c in purpose)
        {
            h = (h ^ c) * 1099511628211UL;
        }

        ulong z = h + (0x9E3779B97F4A7C15UL * (ulong)(uint)seed);
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        z ^= z >> 31;
        return new Random((int)(z & 0x7FFFFFFF));
    }
}
