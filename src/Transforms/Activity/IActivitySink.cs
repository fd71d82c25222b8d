namespace MLGradientInsight.Transforms.Activity;

/// <summary>Receives the rows a <see cref="GradientActivityTracker"/> emits (a list, a SQLite store, a CSV trace …).</summary>
public interface IActivitySink
{
    /// <summary>Writes one network or layer row.</summary>
    /// <param name="record">The row.</param>
    void Write(ActivityRecord record);

    /// <summary>Writes the rows of one step: the network row first, then one row per layer in model order.</summary>
    /// <param name="records">The rows; valid only during the call.</param>
    /// <remarks>The default implementation calls <see cref="Write(ActivityRecord)"/> for each row; stores override it to write one transaction per step.</remarks>
    void WriteBatch(ReadOnlySpan<ActivityRecord> records)
    {
        foreach (ActivityRecord record in records)
        {
            Write(record);
        }
    }

    /// <summary>Writes the per-unit rows of one step (only with <see cref="ActivityDetail.Unit"/>).</summary>
    /// <param name="records">The rows; valid only during the call.</param>
    /// <exception cref="NotSupportedException">The default implementation: this sink does not store unit rows.</exception>
    void WriteUnits(ReadOnlySpan<UnitActivityRecord> records) =>
        throw new NotSupportedException($"{GetType().Name} does not store per-unit rows; use {nameof(ActivityDetail)}.{nameof(ActivityDetail.Layer)} or a sink that implements {nameof(WriteUnits)}.");
}
