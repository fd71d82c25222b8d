namespace MLGradientInsight.Transforms.Traces;

/// <summary>
/// A CSV trace is not valid. <see cref="Exception.Message"/> names the file, the line and the column and says how to fix it.
/// </summary>
public sealed class TraceFormatException : FormatException
{
    /// <summary>Initializes a new instance of the <see cref="TraceFormatException"/> class.</summary>
    /// <param name="filePath">The file (or source name) of the trace.</param>
    /// <param name="line">The 1-based line where the bad record starts.</param>
    /// <param name="column">The 1-based column (field index), or 0 when the error concerns the whole line.</param>
    /// <param name="columnName">The header name of the column, or null.</param>
    /// <param name="problem">What is wrong and how to fix it.</param>
    public TraceFormatException(string filePath, int line, int column, string? columnName, string problem)
        : base(Format(filePath, line, column, columnName, problem))
    {
        FilePath = filePath;
        Line = line;
        Column = column;
        ColumnName = columnName;
    }

    /// <summary>Gets the file (or source name) of the trace.</summary>
    public string FilePath { get; }

    /// <summary>Gets the 1-based line where the bad record starts.</summary>
    public int Line { get; }

    /// <summary>Gets the 1-based column (field index), or 0 when the error concerns the whole line.</summary>
    public int Column { get; }

    /// <summary>Gets the header name of the column, or null.</summary>
    public string? ColumnName { get; }

    private static string Format(string filePath, int line, int column, string? columnName, string problem)
    {
        string where = column > 0
            ? columnName is null ? $"{filePath}, line {line}, column {column}" : $"{filePath}, line {line}, column {column} ({columnName})"
            : $"{filePath}, line {line}";
        return $"{where}: {problem}";
    }
}
