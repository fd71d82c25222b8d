using System.Globalization;

namespace MLGradientInsight.Trainers.Data;

/// <summary>
/// A data or checkpoint file is missing, malformed or inconsistent. The message names the file,
/// the position of the problem and how to fix it.
/// </summary>
public class DataFormatException : FormatException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="message">The full message (it should already name the file, position and fix).</param>
    /// <param name="filePath">The file, if known.</param>
    /// <param name="position">The position in words (<c>byte 16</c>, <c>line 3, column 2</c>), if known.</param>
    /// <param name="innerException">The underlying error, if any.</param>
    public DataFormatException(string message, string? filePath, string? position, Exception? innerException = null)
        : base(message, innerException)
    {
        FilePath = filePath;
        Position = position;
    }

    /// <summary>Gets the file the problem is in, or <see langword="null"/>.</summary>
    public string? FilePath { get; }

    /// <summary>Gets the position in words (<c>byte 16</c>, <c>line 3, column 2</c>), or <see langword="null"/>.</summary>
    public string? Position { get; }

    /// <summary>Gets the byte offset of the problem, when the position is a byte offset.</summary>
    public long? ByteOffset { get; protected init; }

    /// <summary>Gets the 1-based line of the problem, when the position is a line.</summary>
    public int? Line { get; protected init; }

    /// <summary>Gets the 1-based column of the problem, when the position is a line and column.</summary>
    public int? Column { get; protected init; }

    /// <summary>Creates an exception at a byte offset; the message is prefixed with the file and offset.</summary>
    /// <param name="filePath">The file.</param>
    /// <param name="byteOffset">The byte offset.</param>
    /// <param name="problem">What is wrong and how to fix it.</param>
    /// <param name="innerException">The underlying error, if any.</param>
    /// <returns>The exception.</returns>
    public static DataFormatException AtByte(string filePath, long byteOffset, string problem, Exception? innerException = null)
    {
        string position = "byte " + byteOffset.ToString(CultureInfo.InvariantCulture);
        return new DataFormatException($"{filePath}, {position}: {problem}", filePath, position, innerException) { ByteOffset = byteOffset };
    }

    /// <summary>Creates an exception at a line and (optionally) a column; the message is prefixed with the file and position.</summary>
    /// <param name="filePath">The file.</param>
    /// <param name="line">The 1-based line.</param>
    /// <param name="column">The 1-based column, or <see langword="null"/> for the whole line.</param>
    /// <param name="problem">What is wrong and how to fix it.</param>
    /// <returns>The exception.</returns>
    public static DataFormatException AtLine(string filePath, int line, int? column, string problem)
    {
        string position = column is int c
            ? string.Create(CultureInfo.InvariantCulture, $"line {line}, column {c}")
            : string.Create(CultureInfo.InvariantCulture, $"line {line}");
        return new DataFormatException($"{filePath}, {position}: {problem}", filePath, position) { Line = line, Column = column };
    }

    /// <summary>Creates an exception about a whole file (no position); the message is prefixed with the file.</summary>
    /// <param name="filePath">The file.</param>
    /// <param name="problem">What is wrong and how to fix it.</param>
    /// <param name="innerException">The underlying error, if any.</param>
    /// <returns>The exception.</returns>
    public static DataFormatException InFile(string filePath, string problem, Exception? innerException = null) =>
        new($"{filePath}: {problem}", filePath, null, innerException);
}
