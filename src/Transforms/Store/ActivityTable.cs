using Microsoft.Data.Sqlite;
using MLGradientInsight.Transforms.Activity;

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

    /// <summary>Gets the SELECT of every column but the run, filtered by <c>$id</c> and <c>step >= $from</c>, in step order with the network row first.</summary>
    public static string SelectByRunSql { get; } =
        $"SELECT {string.Join(", ", s_values.Select(c => c.StoreName))} FROM activity WHERE run_id = $id AND step >= $from ORDER BY step, layer <> 'network', rowid";

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

    /// <summary>Reads the current row of a reader over <see cref="SelectByRunSql"/>.</summary>
    /// <param name="reader">The reader.</param>
    /// <param name="run">The run to put in <see cref="ActivityRecord.Run"/>.</param>
    /// <returns>The record.</returns>
    public static ActivityRecord Read(SqliteDataReader reader, string run)
    {
        var source = new ReaderSource(reader, run);
        return ActivityColumns.Read(ref source);
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
