using System.Runtime.InteropServices;

namespace MLGradientInsight.Reports.Data;

/// <summary>Growable step-indexed columns of one layer (or of the run's steps), appended in step order.</summary>
/// <param name="columnCount">How many value columns besides the step.</param>
internal sealed class SeriesColumns(int columnCount)
{
    private readonly List<double> _steps = [];
    private readonly List<double>[] _columns = Enumerable.Range(0, columnCount).Select(_ => new List<double>()).ToArray();

    /// <summary>Gets the number of rows.</summary>
    public int Count => _steps.Count;

    /// <summary>Gets the last step, or 0 when empty.</summary>
    public long LastStep => _steps.Count == 0 ? 0 : (long)_steps[^1];

    /// <summary>Gets the step column.</summary>
    public ReadOnlySpan<double> Steps => CollectionsMarshal.AsSpan(_steps);

    /// <summary>Gets a value column.</summary>
    /// <param name="column">The column index.</param>
    /// <returns>The values, one per step.</returns>
    public ReadOnlySpan<double> Column(int column) => CollectionsMarshal.AsSpan(_columns[column]);

    /// <summary>Appends a row.</summary>
    /// <param name="step">The step (not below the last).</param>
    /// <param name="values">One value per column.</param>
    public void Add(long step, ReadOnlySpan<double> values)
    {
        _steps.Add(step);
        for (int c = 0; c < _columns.Length; c++)
        {
            _columns[c].Add(values[c]);
        }
    }

    /// <summary>Removes the rows at and after a step (they are read again from the store).</summary>
    /// <param name="step">The first step to remove.</param>
    public void TrimFrom(long step)
    {
        int keep = _steps.Count;
        while (keep > 0 && _steps[keep - 1] >= step)
        {
            keep--;
        }

        _steps.RemoveRange(keep, _steps.Count - keep);
        foreach (List<double> c in _columns)
        {
            c.RemoveRange(keep, c.Count - keep);
        }
    }
}
