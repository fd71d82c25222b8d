namespace MLGradientInsight.Transforms.Activity;

/// <summary>Receives the rows a <see cref="GradientActivityTracker"/> emits (a list, a SQLite store, a CSV trace …).</summary>
/// <remarks>
/// One method takes everything a step produces, layer rows and per-unit rows together, so a sink (or a wrapper that
/// forwards to one) cannot implement half of the protocol and fail mid-training when unit detail is switched on.
/// A sink that keeps no per-unit rows ignores <c>units</c> explicitly.
/// </remarks>
public interface IActivitySink
{
    /// <summary>Writes the rows of one step.</summary>
    /// <param name="records">The network row first, then one row per layer in model order; valid only during the call.</param>
    /// <param name="units">The per-unit rows (empty unless <see cref="ActivityDetail.Unit"/>); valid only during the call.</param>
    void Write(ReadOnlySpan<ActivityRecord> records, ReadOnlySpan<UnitActivityRecord> units);
}
