using Microsoft.Data.Sqlite;
using MLGradientInsight.Transforms.Activity;
using MLGradientInsight.Transforms.Store;

namespace MLGradientInsight.Transforms.DataView;

/// <summary>Where the rows of an <see cref="ActivityDataView"/> come from: a fixed snapshot of rows, read by column.</summary>
internal abstract class ActivityRowSource
{
    /// <summary>Gets the number of rows in the snapshot.</summary>
    public abstract long Count { get; }

    /// <summary>Opens a reader over the snapshot that fills only the active columns.</summary>
    /// <param name="active">Per column index of <see cref="ActivityColumns.All"/>: whether it is read.</param>
    /// <returns>The reader.</returns>
    public abstract ActivityRowReader Open(bool[] active);

    /// <summary>Reads every row of the snapshot as records (for the wide form).</summary>
    /// <returns>The records.</returns>
    public IEnumerable<ActivityRecord> Records()
    {
        bool[] all = [.. ActivityColumns.All.Select(_ => true)];
        using ActivityRowReader reader = Open(all);
        while (reader.MoveNext())
        {
            ActivityRowValues values = reader.Values;
            yield return ActivityColumns.Read(ref values);
        }
    }
}

/// <summary>Reads rows one by one into <see cref="Values"/>.</summary>
internal abstract class ActivityRowReader : IDisposable
{
    /// <summary>Gets the values of the current row (active columns only).</summary>
    public ActivityRowValues Values { get; } = new();

    /// <summary>Moves to the next row.</summary>
    /// <returns>False after the last row of the snapshot.</returns>
    public abstract bool MoveNext();

    /// <inheritdoc/>
    public virtual void Dispose()
    {
    }
}

/// <summary>The values of one row by column index (one array per value type; only active columns are set).</summary>
internal sealed class ActivityRowValues : IActivityValueSource, IActivityValueTarget
{
    private readonly string[] _text = new string[ActivityColumns.All.Length];
    private readonly long[] _integer = new long[ActivityColumns.All.Length];
    private readonly double[] _real = new double[ActivityColumns.All.Length];

    public string Text(int column) => _text[column] ?? "";

    public int Int32(int column) => (int)_integer[column];

    public long Int64(int column) => _integer[column];

    public double Double(int column) => _real[column];

    public void Text(int column, string value) => _text[column] = value;

    public void Int32(int column, int value) => _integer[column] = value;

    public void Int64(int column, long value) => _integer[column] = value;

    public void Double(int column, double value) => _real[column] = value;
}

/// <summary>Rows held in memory (a fitted model's trace, a CSV file); the snapshot is the list's length when the view was made.</summary>
internal sealed class MemoryRowSource(IReadOnlyList<ActivityRecord> records) : ActivityRowSource
{
    private readonly int _count = records.Count;

    public override long Count => _count;

    public override ActivityRowReader Open(bool[] active) => new Reader(records, _count);

    private sealed class Reader(IReadOnlyList<ActivityRecord> records, int count) : ActivityRowReader
    {
        private int _index = -1;

        public override bool MoveNext()
        {
            if (++_index >= count)
            {
                return false;
            }

            ActivityRowValues values = Values;
            ActivityColumns.Write(records[_index], ref values);
            return true;
        }
    }
}

/// <summary>
/// The rows of one run in a run store, read directly from SQLite: each cursor runs one SELECT of its active columns
/// only, over the rows that existed when the view was made (<c>rowid ≤</c> the largest rowid then), so every cursor of
/// the view sees the same rows while a writer keeps appending (SQLite WAL: readers do not block the writer).
/// </summary>
internal sealed class StoreRowSource : ActivityRowSource
{
    private readonly RunStore _store;
    private readonly string _runId;
    private readonly long _maxRowId;
    private readonly long _count;

    public StoreRowSource(RunStore store, string runId)
    {
        _store = store;
        _runId = runId;
        using SqliteConnection connection = store.OpenConnection();
        using SqliteCommand command = connection.CreateCommand();
        command.CommandText = "SELECT COALESCE(MAX(rowid), 0), COUNT(*) FROM activity WHERE run_id = $id";
        command.Parameters.AddWithValue("$id", runId);
        using SqliteDataReader reader = command.ExecuteReader();
        reader.Read();
        _maxRowId = reader.GetInt64(0);
        _count = reader.GetInt64(1);
    }

    public override long Count => _count;

    public override ActivityRowReader Open(bool[] active) => new Reader(this, active);

    private sealed class Reader : ActivityRowReader
    {
        private readonly SqliteConnection _connection;
        private readonly SqliteCommand _command;
        private readonly SqliteDataReader _reader;
        private readonly (ActivityColumn Column, int Ordinal)[] _columns;
        private readonly string _runId;

        public Reader(StoreRowSource source, bool[] active)
        {
            _runId = source._runId;
            _columns = [.. ActivityColumns.All.Where(c => active[c.Index] && c.Index != ActivityColumns.Run).Select((c, i) => (c, i))];
            string select = _columns.Length == 0 ? "1" : string.Join(", ", _columns.Select(c => c.Column.StoreName));
            _connection = source._store.OpenConnection();
            _command = _connection.CreateCommand();
            _command.CommandText = $"SELECT {select} FROM activity WHERE run_id = $id AND rowid <= $max ORDER BY step, layer <> 'network', rowid";
            _command.Parameters.AddWithValue("$id", source._runId);
            _command.Parameters.AddWithValue("$max", source._maxRowId);
            _reader = _command.ExecuteReader();
            Values.Text(ActivityColumns.Run, _runId);
        }

        public override bool MoveNext()
        {
            if (!_reader.Read())
            {
                return false;
            }

            ActivityRowValues values = Values;
            foreach ((ActivityColumn column, int ordinal) in _columns)
            {
                switch (column.Type)
                {
                    case ActivityColumnType.Text:
                        values.Text(column.Index, _reader.GetString(ordinal));
                        break;
                    case ActivityColumnType.Int32:
                    case ActivityColumnType.Int64:
                        values.Int64(column.Index, _reader.GetInt64(ordinal));
                        break;
                    default:
                        values.Double(column.Index, SqliteValues.ReadDouble(_reader, ordinal));
                        break;
                }
            }

            return true;
        }

        public override void Dispose()
        {
            _reader.Dispose();
            _command.Dispose();
            _connection.Dispose();
        }
    }
}
