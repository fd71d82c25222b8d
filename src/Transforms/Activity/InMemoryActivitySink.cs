namespace MLGradientInsight.Transforms.Activity;

/// <summary>An <see cref="IActivitySink"/> that keeps every row in memory, for tests, notebooks and small runs.</summary>
/// <remarks>Not thread-safe; one tracker writes to it from the training thread.</remarks>
public sealed class InMemoryActivitySink : IActivitySink
{
    private readonly List<ActivityRecord> _records = [];
    private readonly List<UnitActivityRecord> _units = [];

    /// <summary>Gets the network and layer rows in the order written.</summary>
    public IReadOnlyList<ActivityRecord> Records => _records;

    /// <summary>Gets the per-unit rows in the order written.</summary>
    public IReadOnlyList<UnitActivityRecord> Units => _units;

    /// <inheritdoc/>
    /// <exception cref="ArgumentNullException">A row is null.</exception>
    public void Write(ReadOnlySpan<ActivityRecord> records, ReadOnlySpan<UnitActivityRecord> units)
    {
        foreach (ActivityRecord record in records)
        {
            ArgumentNullException.ThrowIfNull(record, nameof(records));
            _records.Add(record);
        }

        foreach (UnitActivityRecord record in units)
        {
            ArgumentNullException.ThrowIfNull(record, nameof(units));
            _units.Add(record);
        }
    }

    /// <summary>Removes all rows.</summary>
    public void Clear()
    {
        _records.Clear();
        _units.Clear();
    }
}
