using System.Text;
using Microsoft.Data.Sqlite;
using MLGradientInsight.Transforms.Activity;
using SQLitePCL;

namespace MLGradientInsight.Transforms.Store;

/// <summary>
/// The store's <c>activity</c> table, derived from <see cref="ActivityColumns"/>: its SQL, and the bindings between
/// records and SQLite parameters / readers. Values are stored by <see cref="SqliteValues"/> (NaN as NULL).
/// </summary>
internal static class ActivityTable
{
    /// <summary>The activity columns other than the run, in map order.</summary>
    private static readonly ActivityColumn[] s_values = [.. ActivityColumns.All.Where(c => c.Index != ActivityColumns.Run)];

    /// <summary>Gets the INSERT statement: <c>$run</c> for the run id, <c>$p0 …</c> for the other columns in map order.</summary>
    /// <param name="replace">Whether a row with the same key replaces the old one (<c>INSERT OR REPLACE</c>).</param>
    /// <returns>The SQL.</returns>
    public static string InsertSql(bool replace) =>
        $"INSERT {(replace ? "OR REPLACE " : "")}INTO activity (run_id, {string.Join(", ", s_values.Select(c => c.StoreName))}) " +
        $"VALUES ($run, {string.Join(", ", s_values.Select((_, i) => $"$p{i}"))})";

    /// <summary>
    /// Gets the SELECT of the rowid and every column but the run, filtered by <c>?1</c> (run) and <c>step >= ?2</c>, in the
    /// order of the primary key (run, step, layer): served by that index without a sort (<see cref="ReadRun"/> puts each
    /// step's rows in the documented order).
    /// </summary>
    public static string SelectByRunSql { get; } = SelectByRun(s_values.Select(c => c.Index));

    /// <summary>The SELECT of <see cref="SelectByRunSql"/> with only some columns (by map index) after the rowid.</summary>
    private static string SelectByRun(IEnumerable<int> columns) =>
        $"SELECT rowid, {string.Join(", ", columns.Select(c => ActivityColumns.All[c].StoreName))} FROM activity WHERE run_id = ?1 AND step >= ?2 ORDER BY step";

    /// <summary>Gets the SELECT of every column but the run, filtered by <c>$id</c>, <c>$layer</c> and <c>step >= $from</c>, in step order (served by the <c>activity_by_layer</c> index, no sort).</summary>
    public static string SelectByLayerSql { get; } =
        $"SELECT {string.Join(", ", s_values.Select(c => c.StoreName))} FROM activity WHERE run_id = $id AND layer = $layer AND step >= $from ORDER BY step";

    /// <summary>Adds <c>$p0 …</c> (in this order, so they can be set by position) to a command.</summary>
    /// <param name="command">The command using <see cref="InsertSql"/>.</param>
    public static void AddValueParameters(SqliteCommand command)
    {
        for (int i = 0; i < s_values.Length; i++)
        {
            command.Parameters.Add(new SqliteParameter($"$p{i}", DBNull.Value));
        }
    }

    /// <summary>Binds a record's values (not its run) to the first parameters of a command.</summary>
    /// <param name="parameters">The parameters, <c>$p0 …</c> first.</param>
    /// <param name="record">The record.</param>
    public static void Bind(SqliteParameterCollection parameters, ActivityRecord record)
    {
        var target = new ParameterTarget(parameters);
        ActivityColumns.Write(record, ref target);
    }

    /// <summary>Reads the current row of a reader over <see cref="SelectByLayerSql"/>.</summary>
    /// <param name="reader">The reader.</param>
    /// <param name="run">The run to put in <see cref="ActivityRecord.Run"/>.</param>
    /// <returns>The record.</returns>
    public static ActivityRecord Read(SqliteDataReader reader, string run)
    {
        var source = new ReaderSource(reader, run);
        return ActivityColumns.Read(ref source);
    }

    /// <summary>
    /// Reads a run's rows from a step on: in step order, each step's <c>network</c> row first, then the others as written
    /// (rowid), the order of <c>ORDER BY step, layer &lt;&gt; 'network', rowid</c>.
    /// </summary>
    /// <param name="connection">An open connection (kept open while the rows are enumerated).</param>
    /// <param name="run">The run id (put in <see cref="ActivityRecord.Run"/>).</param>
    /// <param name="fromStep">The first step.</param>
    /// <param name="columns">The columns to read (map indices; step and layer are always read), or null for all. The
    /// others read as missing: NaN, 0 for the integer columns.</param>
    /// <returns>The rows, read lazily.</returns>
    /// <remarks>
    /// A long run has millions of rows (2.1 M for 100,000 steps × 21 series), so this loop is the cost of every whole-run
    /// read; it took 8 s through <see cref="SqliteDataReader"/> with that ORDER BY. Now SQLite walks the primary key
    /// without sorting the run (a step's few rows are ordered here) and the values are read with SQLitePCLRaw, the library
    /// under Microsoft.Data.Sqlite, on a prepared statement by ordinal: one native call per value where the ADO.NET reader
    /// makes two or three (type check, value; here the type only of a zero, which NULL also reads as), and a layer name is a
    /// string made once per layer, not per row.
    /// </remarks>
    public static IEnumerable<ActivityRecord> ReadRun(SqliteConnection connection, string run, long fromStep, IReadOnlyCollection<int>? columns = null)
    {
        sqlite3 db = connection.Handle ?? throw new InvalidOperationException("The connection is not open.");
        int[] selected = columns is null ? [.. s_values.Select(c => c.Index)]
            : [.. columns.Append(ActivityColumns.Step).Append(ActivityColumns.Layer).Where(c => c != ActivityColumns.Run).Distinct().Order()];
        int[] ordinals = new int[ActivityColumns.All.Length];
        Array.Fill(ordinals, -1);
        for (int i = 0; i < selected.Length; i++)
        {
            ordinals[selected[i]] = i + 1;
        }

        Check(raw.sqlite3_prepare_v2(db, columns is null ? SelectByRunSql : SelectByRun(selected), out sqlite3_stmt statement), db);
        try
        {
            Check(raw.sqlite3_bind_text(statement, 1, run), db);
            Check(raw.sqlite3_bind_int64(statement, 2, fromStep), db);
            var names = new LayerNames();
            var step = new List<(long RowId, ActivityRecord Record)>();
            int rc;
            while ((rc = raw.sqlite3_step(statement)) == raw.SQLITE_ROW)
            {
                var source = new StatementSource(statement, run, names.Get(raw.sqlite3_column_blob(statement, ordinals[ActivityColumns.Layer])), ordinals);
                ActivityRecord record = ActivityColumns.Read(ref source);
                if (step.Count > 0 && record.Step != step[0].Record.Step)
                {
                    foreach (ActivityRecord r in InStepOrder(step))
                    {
                        yield return r;
                    }

                    step.Clear();
                }

                step.Add((raw.sqlite3_column_int64(statement, 0), record));
            }

            Check(rc == raw.SQLITE_DONE ? raw.SQLITE_OK : rc, db);
            foreach (ActivityRecord r in InStepOrder(step))
            {
                yield return r;
            }
        }
        finally
        {
            statement.Dispose();
        }
    }

    /// <summary>One step's rows: network first, then by rowid (they come in layer-name order from the key).</summary>
    private static IEnumerable<ActivityRecord> InStepOrder(List<(long RowId, ActivityRecord Record)> step)
    {
        step.Sort(static (a, b) =>
        {
            int network = IsNetwork(b.Record).CompareTo(IsNetwork(a.Record));
            return network != 0 ? network : a.RowId.CompareTo(b.RowId);
        });
        return step.Select(r => r.Record);

        static bool IsNetwork(ActivityRecord r) => r.Layer == ActivityRecord.NetworkLayer;
    }

    private static void Check(int rc, sqlite3 db)
    {
        if (rc != raw.SQLITE_OK)
        {
            SqliteException.ThrowExceptionForRC(rc, db);
        }
    }

    /// <summary>The layer names of a read, made once each: a row's name is looked up by its UTF-8 bytes, the next name in the last cycle first.</summary>
    private sealed class LayerNames
    {
        private readonly List<(byte[] Utf8, string Name)> _names = [];
        private int _last = -1;

        public string Get(ReadOnlySpan<byte> utf8)
        {
            for (int k = 1; k <= _names.Count; k++)
            {
                int i = (_last + k) % _names.Count;
                if (utf8.SequenceEqual(_names[i].Utf8))
                {
                    _last = i;
                    return _names[i].Name;
                }
            }

            string name = Encoding.UTF8.GetString(utf8);
            _names.Add((utf8.ToArray(), name));
            _last = _names.Count - 1;
            return name;
        }
    }

    /// <summary>The values of the current row of a <see cref="SelectByRun"/> statement: column map index i at <c>ordinals[i]</c>, or missing (−1); NULL REAL is NaN.</summary>
    private readonly ref struct StatementSource(sqlite3_stmt statement, string run, string layer, int[] ordinals) : IActivityValueSource
    {
        public string Text(int column) => column switch
        {
            ActivityColumns.Run => run,
            ActivityColumns.Layer => layer,
            _ => ordinals[column] < 0 ? "" : raw.sqlite3_column_text(statement, ordinals[column]).utf8_to_string(),
        };

        public int Int32(int column) => ordinals[column] < 0 ? 0 : raw.sqlite3_column_int(statement, ordinals[column]);

        public long Int64(int column) => ordinals[column] < 0 ? 0 : raw.sqlite3_column_int64(statement, ordinals[column]);

        public double Double(int column)
        {
            if (ordinals[column] < 0)
            {
                return double.NaN;
            }

            // NULL reads as 0.0, so only a zero needs the (second native) type check.
            double value = raw.sqlite3_column_double(statement, ordinals[column]);
            return value != 0 || raw.sqlite3_column_type(statement, ordinals[column]) != raw.SQLITE_NULL ? value : double.NaN;
        }
    }

    private readonly struct ParameterTarget(SqliteParameterCollection parameters) : IActivityValueTarget
    {
        public void Text(int column, string value)
        {
            if (column != ActivityColumns.Run)
            {
                parameters[column - 1].Value = value;
            }
        }

        public void Int32(int column, int value) => parameters[column - 1].Value = value;

        public void Int64(int column, long value) => parameters[column - 1].Value = value;

        public void Double(int column, double value) => parameters[column - 1].Value = SqliteValues.ToDb(value);
    }

    private readonly struct ReaderSource(SqliteDataReader reader, string run) : IActivityValueSource
    {
        public string Text(int column) => column == ActivityColumns.Run ? run : reader.GetString(column - 1);

        public int Int32(int column) => reader.GetInt32(column - 1);

        public long Int64(int column) => reader.GetInt64(column - 1);

        public double Double(int column) => SqliteValues.ReadDouble(reader, column - 1);
    }
}
