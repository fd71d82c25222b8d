using System.Globalization;
using Microsoft.Data.Sqlite;

namespace MLGradientInsight.Transforms.Store;

/// <summary>
/// Value conversions between .NET and SQLite. SQLite has no NaN: NaN is stored as NULL and NULL reads back
/// as NaN; ±Infinity are stored as IEEE ±Inf (SQL literals <c>9e999</c> / <c>-9e999</c>) and read back exactly.
/// Times are ISO 8601 UTC text (<c>2026-11-22T10:23:27.123Z</c>), which SQLite's date functions understand.
/// </summary>
internal static class SqliteValues
{
    private const string TimeFormat = "yyyy-MM-dd'T'HH:mm:ss.fff'Z'";

    /// <summary>Gets the value to bind for a double: <see cref="DBNull"/> for NaN, the double otherwise.</summary>
    public static object ToDb(double value) => double.IsNaN(value) ? DBNull.Value : value;

    /// <summary>Reads a REAL column: NULL is NaN.</summary>
    public static double ReadDouble(SqliteDataReader reader, int ordinal) =>
        reader.IsDBNull(ordinal) ? double.NaN : reader.GetDouble(ordinal);

    /// <summary>Formats a UTC time for a TEXT column.</summary>
    public static string FormatTime(DateTime utc) => utc.ToUniversalTime().ToString(TimeFormat, CultureInfo.InvariantCulture);

    /// <summary>Parses a TEXT time column; null when the column is NULL.</summary>
    public static DateTime? ReadTime(SqliteDataReader reader, int ordinal) =>
        reader.IsDBNull(ordinal) ? null : ParseTime(reader.GetString(ordinal));

    /// <summary>Parses a time written by <see cref="FormatTime"/> (or any ISO 8601 text).</summary>
    public static DateTime ParseTime(string text) =>
        DateTime.Parse(text, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal);

    /// <summary>Gets the <c>runs.status</c> text of a status.</summary>
    public static string ToDb(RunStatus status) => status switch
    {
        RunStatus.Running => "running",
        RunStatus.Completed => "completed",
        RunStatus.Interrupted => "interrupted",
        RunStatus.Failed => "failed",
        _ => throw new ArgumentOutOfRangeException(nameof(status), status, "Unknown run status."),
    };

    /// <summary>Parses the <c>runs.status</c> text.</summary>
    public static RunStatus ParseStatus(string text) => text switch
    {
        "running" => RunStatus.Running,
        "completed" => RunStatus.Completed,
        "interrupted" => RunStatus.Interrupted,
        "failed" => RunStatus.Failed,
        _ => throw new FormatException($"Unknown run status '{text}'."),
    };
}
