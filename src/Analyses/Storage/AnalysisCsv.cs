using System.Text;

namespace MLGradientInsight.Analyses.Storage;

/// <summary>Writes analysis records as CSV: a header of snake_case property names, invariant-culture numbers in round-trip form, <c>NaN</c>/<c>Infinity</c> spelled out, RFC 4180 quoting.</summary>
public static class AnalysisCsv
{
    /// <summary>Writes the records to a file (replacing it).</summary>
    /// <typeparam name="T">The record type (e.g. <c>LinearPathPoint</c>).</typeparam>
    /// <param name="path">The file.</param>
    /// <param name="rows">The records.</param>
    /// <exception cref="IOException">The file cannot be written.</exception>
    public static void Write<T>(string path, IEnumerable<T> rows)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        using var writer = new StreamWriter(path, append: false, new UTF8Encoding(false));
        Write(writer, rows);
    }

    /// <summary>Writes the records to a text writer.</summary>
    /// <typeparam name="T">The record type.</typeparam>
    /// <param name="writer">The destination.</param>
    /// <param name="rows">The records.</param>
    public static void Write<T>(TextWriter writer, IEnumerable<T> rows)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(rows);
        writer.Write(string.Join(',', RecordColumns<T>.Names));
        writer.Write('\n');
        int columns = RecordColumns<T>.Names.Count;
        foreach (T row in rows)
        {
            for (int c = 0; c < columns; c++)
            {
                if (c > 0)
                {
                    writer.Write(',');
                }

                writer.Write(Quote(RecordColumns<T>.Format(RecordColumns<T>.Value(row, c))));
            }

            writer.Write('\n');
        }
    }

    private static string Quote(string cell) =>
        cell.AsSpan().IndexOfAny(",\"\n\r") >= 0 ? "\"" + cell.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : cell;
}
