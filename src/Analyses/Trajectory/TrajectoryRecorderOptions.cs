namespace MLGradientInsight.Analyses.Trajectory;

/// <summary>Options of <see cref="TrajectoryRecorder"/>.</summary>
public sealed class TrajectoryRecorderOptions
{
    /// <summary>Gets how many optimizer steps lie between two points; default 1 (a point after every step, as in 001's first pictures).</summary>
    public int Every { get; init; } = 1;

    /// <summary>Gets the seed of the random directions; default 1.</summary>
    public int Seed { get; init; } = 1;

    /// <summary>Gets whether a point is also taken before the first step (step 0); default true.</summary>
    public bool IncludeStart { get; init; } = true;

    /// <summary>Checks the options.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><see cref="Every"/> is not positive.</exception>
    public void Validate() => ArgumentOutOfRangeException.ThrowIfNegativeOrZero(Every, nameof(Every));
}
