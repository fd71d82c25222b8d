using System.Globalization;
using System.Text;
using MLGradientInsight.Transforms.Activity;

namespace MLGradientInsight.Transforms.Traces;

/// <summary>
/// The trace interchange format: CSV (RFC 4180) with a header row, one row per layer and step
/// (<see cref="ActivityRecord"/>). Traces written by other tools (a PyTorch script) can be imported and compared.
/// </summary>
/// <remarks>
/// <para>The columns are <see cref="ActivityColumns.All"/>. Columns may come in any order; unknown columns are ignored; header names are matched ignoring case and
/// surrounding spaces. Required: <c>step</c>, <c>layer</c>, <c>activity</c>. Optional: <c>run</c>, <c>epoch</c>,
/// <c>mean_change</c>, <c>excluded_fraction</c>, <c>non_finite_count</c>, <c>grad_norm</c>, <c>weight_norm</c>,
/// <c>update_norm</c>, <c>loss</c>, <c>learning_rate</c>. The layer <c>network</c> marks the whole-network row.</para>
/// <para>Numbers use the invariant culture (<c>0.25</c>, <c>1E-05</c>); <c>NaN</c>, <c>Infinity</c>, <c>-Infinity</c>
/// (and <c>nan</c>, <c>inf</c>, <c>-inf</c> as Python writes them) are accepted. An empty optional cell is a missing
/// value: NaN (0 for <c>epoch</c> and <c>non_finite_count</c>). Doubles are written in shortest round-trip form, so
/// writing and reading back is exact. Each (run, step, layer) may appear once.</para>
/// </remarks>
public static class TraceCsv
{
    private const int RunColumn = ActivityColumns.Run;
    private const int StepColumn = ActivityColumns.Step;
    private const int LayerColumn = ActivityColumns.Layer;

    private static readonly string[] s_columns = [.. ActivityColumns.All.Select(c => c.Name)];

    private static readonly UTF8Encoding s_utf8 = new(encoderShouldEmitUTF8Identifier: false);

    /// <summary>Gets the column names, in the order <see cref="Write(TextWriter, IEnumerable{ActivityRecord})"/> writes them.</summary>
    public static IReadOnlyList<string> Columns => s_columns;

    /// <summary>Writes records as a CSV trace (UTF-8 without BOM, LF line ends), creating or overwriting the file.</summary>
    /// <param name="path">The file.</param>
    /// <param name="records">The rows, written in the order given.</param>
    /// <exception cref="ArgumentException"><paramref name="path"/> is null or empty, or a record has an empty layer.</exception>
    /// <exception cref="ArgumentNullException"><paramref name="records"/> or a record is null.</exception>
    public static void Write(string path, IEnumerable<ActivityRecord> records)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentNullException.ThrowIfNull(records);
        using var writer = new StreamWriter(path, append: false, s_utf8);
        Write(writer, records);
    }

    /// <summary>Writes records as a CSV trace: the header row, then one row per record (LF line ends).</summary>
    /// <param name="writer">The destination.</param>
    /// <param name="records">The rows, written in the order given.</param>
    /// <exception cref="ArgumentNullException"><paramref name="writer"/>, <paramref name="records"/> or a record is null.</exception>
    /// <exception cref="ArgumentException">A record has an empty layer.</exception>
    public static void Write(TextWriter writer, IEnumerable<ActivityRecord> records)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(records);
        writer.Write(string.Join(',', s_columns));
        writer.Write('\n');
        long index = 0;
        foreach (ActivityRecord record in records)
        {
            ArgumentNullException.ThrowIfNull(record, nameof(records));
            if (record.Layer.Length == 0)
            {
                throw new ArgumentException($"Record {index} (step {record.Step}) has an empty layer name; every row needs a layer (or '{ActivityRecord.NetworkLayer}').", nameof(records));
            }

            var line = new LineWriter(writer);
            ActivityColumns.Write(record, ref line);
            writer.Write('\n');
            index++;
        }
    }

    /// <summary>Reads a CSV trace file, validating all of it.</summary>
    /// <param name="path">The file.</param>
    /// <returns>The rows in file order; <see cref="ActivityRecord.Run"/> is the <c>run</c> cell, or empty without that column.</returns>
    /// <exception cref="ArgumentException"><paramref name="path"/> is null or empty.</exception>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="TraceFormatException">The file is not a valid trace (the message names line, column and fix).</exception>
    public static IReadOnlyList<ActivityRecord> Read(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"The trace file '{path}' does not exist. Check the path; traces are CSV files written by `mlgi export` or a script.", path);
        }

        using var reader = new StreamReader(path, s_utf8, detectEncodingFromByteOrderMarks: true);
        return Read(reader, path);
    }

    /// <summary>Reads a CSV trace, validating all of it.</summary>
    /// <param name="reader">The source.</param>
    /// <param name="sourceName">The name used in error messages (a file path).</param>
    /// <returns>The rows in input order.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="reader"/> or <paramref name="sourceName"/> is null.</exception>
    /// <exception cref="TraceFormatException">The input is not a valid trace (the message names line, column and fix).</exception>
    public static IReadOnlyList<ActivityRecord> Read(TextReader reader, string sourceName)
    {
        ArgumentNullException.ThrowIfNull(reader);
        ArgumentNullException.ThrowIfNull(sourceName);
        var csv = new CsvRecordReader(reader, sourceName);
        var fields = new List<string>();
        if (!csv.Read(fields, out int headerLine))
        {
            throw new TraceFormatException(sourceName, 1, 0, null,
                "the file is empty. A trace starts with a header row naming its columns, at least: step,layer,activity");
        }

        int[] map = MapHeader(fields, sourceName, headerLine, out string[] header);
        var records = new List<ActivityRecord>();
        var seen = new Dictionary<(string Run, long Step, string Layer), int>();
        while (csv.Read(fields, out int line))
        {
            if (fields.Count != header.Length)
            {
                ThrowRagged(sourceName, line, fields.Count, header);
            }

            var row = new Row(fields, map, header, sourceName, line);
            ActivityRecord record = ActivityColumns.Read(ref row);

            if (!seen.TryAdd((record.Run, record.Step, record.Layer), line))
            {
                string run = map[RunColumn] < 0 ? "" : $"run '{record.Run}', ";
                throw new TraceFormatException(sourceName, line, 0, null,
                    $"the row ({run}step {record.Step}, layer '{record.Layer}') repeats the row on line {seen[(record.Run, record.Step, record.Layer)]}. " +
                    "Each layer may appear once per step and run: remove one of them, or give the runs different 'run' values.");
            }

            records.Add(record);
        }

        return records;
    }

    private static int[] MapHeader(List<string> fields, string source, int line, out string[] header)
    {
        header = new string[fields.Count];
        var map = new int[s_columns.Length];
        Array.Fill(map, -1);
        for (int i = 0; i < fields.Count; i++)
        {
            string name = fields[i].Trim().TrimStart('\uFEFF').Trim();
            header[i] = name;
            int known = Array.FindIndex(s_columns, c => string.Equals(c, name, StringComparison.OrdinalIgnoreCase));
            if (known < 0)
            {
                continue;
            }

            if (map[known] >= 0)
            {
                throw new TraceFormatException(source, line, i + 1, name,
                    $"the header names column '{s_columns[known]}' twice (columns {map[known] + 1} and {i + 1}). Remove or rename one of them.");
            }

            map[known] = i;
        }

        foreach (ActivityColumn column in ActivityColumns.All)
        {
            int required = column.Index;
            if (column.RequiredInTrace && map[required] < 0)
            {
                string separator = header.Length == 1 && header[0].Contains(';', StringComparison.Ordinal) ? " The header seems to use ';' between columns: traces use ','."
                    : header.Length == 1 && header[0].Contains('\t', StringComparison.Ordinal) ? " The header seems to use tabs between columns: traces use ','."
                    : "";
                throw new TraceFormatException(source, line, 0, null,
                    $"the header has no '{s_columns[required]}' column (found: {string.Join(", ", header)}).{separator} " +
                    "The first row must name the columns; step, layer and activity are required, e.g. run,step,layer,activity,loss");
            }
        }

        return map;
    }

    private static void ThrowRagged(string source, int line, int count, string[] header)
    {
        if (count < header.Length)
        {
            throw new TraceFormatException(source, line, count + 1, header[count],
                $"the row has {count} cells but the header has {header.Length}: the cell for '{header[count]}' is missing. " +
                "Every row needs one cell per header column; leave a cell empty (,,) for a missing optional value.");
        }

        throw new TraceFormatException(source, line, header.Length + 1, null,
            $"the row has {count} cells but the header has {header.Length}. " +
            "Put text that contains commas in double quotes (\"fc,1\"), or add the missing column to the header.");
    }

    private static void WriteText(TextWriter writer, string text)
    {
        if (text.AsSpan().IndexOfAny(",\"\r\n") < 0)
        {
            writer.Write(text);
            return;
        }

        writer.Write('"');
        writer.Write(text.Replace("\"", "\"\"", StringComparison.Ordinal));
        writer.Write('"');
    }

    /// <summary>Formats a double in the shortest form that parses back to the same value (<c>NaN</c>, <c>Infinity</c>, <c>1E-45</c>).</summary>
    /// <param name="value">The value.</param>
    /// <returns>The invariant-culture text.</returns>
    internal static string FormatDouble(double value) => value.ToString("R", CultureInfo.InvariantCulture);

    /// <summary>Parses an invariant-culture double, or NaN/Infinity spelled as .NET or Python write them.</summary>
    /// <param name="text">The cell text.</param>
    /// <param name="value">The value.</param>
    /// <returns>True when the text is a number.</returns>
    internal static bool TryParseDouble(string text, out double value)
    {
        ReadOnlySpan<char> s = text.AsSpan().Trim();
        bool negative = false;
        ReadOnlySpan<char> magnitude = s;
        if (s.Length > 0 && (s[0] == '+' || s[0] == '-'))
        {
            negative = s[0] == '-';
            magnitude = s[1..];
        }

        if (magnitude.Equals("inf", StringComparison.OrdinalIgnoreCase) || magnitude.Equals("infinity", StringComparison.OrdinalIgnoreCase))
        {
            value = negative ? double.NegativeInfinity : double.PositiveInfinity;
            return true;
        }

        if (magnitude.Equals("nan", StringComparison.OrdinalIgnoreCase))
        {
            value = double.NaN;
            return true;
        }

        return double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out value);
    }

    /// <summary>Writes one record's cells, comma-separated, in column order.</summary>
    private readonly struct LineWriter(TextWriter writer) : IActivityValueTarget
    {
        public void Text(int column, string value)
        {
            Separate(column);
            WriteText(writer, value);
        }

        public void Int32(int column, int value)
        {
            Separate(column);
            writer.Write(value.ToString(CultureInfo.InvariantCulture));
        }

        public void Int64(int column, long value)
        {
            Separate(column);
            writer.Write(value.ToString(CultureInfo.InvariantCulture));
        }

        public void Double(int column, double value)
        {
            Separate(column);
            writer.Write(FormatDouble(value));
        }

        private void Separate(int column)
        {
            if (column > 0)
            {
                writer.Write(',');
            }
        }
    }

    /// <summary>The cells of one data row, with parsing that reports errors at their line and column.</summary>
    private readonly ref struct Row(List<string> fields, int[] map, string[] header, string source, int line) : IActivityValueSource
    {
        public string Text(int column) => column == LayerColumn ? Layer() : map[column] < 0 ? "" : fields[map[column]];

        public long Int64(int column)
        {
            string text = fields[map[column]].Trim();
            if (!long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out long value) || value < 0)
            {
                throw Error(column, text.Length == 0
                    ? "the step cell is empty. Write the 1-based training step as a whole number, such as 42."
                    : $"'{text}' is not a step number. Write the 1-based training step as a whole number, such as 42.");
            }

            return value;
        }

        public int Int32(int column)
        {
            if (map[column] < 0)
            {
                return 0;
            }

            string text = fields[map[column]].Trim();
            if (text.Length == 0)
            {
                return 0;
            }

            if (!int.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out int value) || value < 0)
            {
                throw Error(column, $"'{text}' is not a whole number ≥ 0. Write a count such as 3, or leave the cell empty when unknown.");
            }

            return value;
        }

        public string Layer()
        {
            string text = fields[map[LayerColumn]];
            if (text.Length == 0)
            {
                throw Error(LayerColumn, $"the layer cell is empty. Write the layer name (fc1), or '{ActivityRecord.NetworkLayer}' for the whole-network row.");
            }

            return text;
        }

        public double Double(int column)
        {
            bool required = ActivityColumns.All[column].RequiredInTrace;
            if (map[column] < 0)
            {
                return double.NaN;
            }

            string text = fields[map[column]];
            if (text.Trim().Length == 0)
            {
                if (required)
                {
                    throw Error(column, $"the {s_columns[column]} cell is empty. It is required: write a number, or NaN where no value exists.");
                }

                return double.NaN;
            }

            if (!TryParseDouble(text, out double value))
            {
                throw Error(column,
                    $"'{text}' is not a number. Write invariant-culture numbers (0.25, 1E-05, NaN, Infinity, -Infinity) with '.' as the decimal point; leave optional cells empty for a missing value.");
            }

            return value;
        }

        private TraceFormatException Error(int column, string problem) =>
            new(source, line, map[column] + 1, header[map[column]], problem);
    }
}
