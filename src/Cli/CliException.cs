namespace MLGradientInsight.Cli;

/// <summary>A user-facing failure with its exit code; the message says what is wrong and how to fix it.</summary>
/// <param name="message">What went wrong and how to fix it.</param>
/// <param name="exitCode">The process exit code (<see cref="ExitCodes"/>).</param>
internal sealed class CliException(string message, int exitCode = ExitCodes.UsageError) : Exception(message)
{
    /// <summary>Gets the exit code.</summary>
    public int ExitCode { get; } = exitCode;

    /// <summary>A bad option or argument (exit code 1).</summary>
    /// <param name="message">The message.</param>
    /// <returns>The exception.</returns>
    public static CliException Usage(string message) => new(message, ExitCodes.UsageError);

    /// <summary>A missing or malformed file or data (exit code 2).</summary>
    /// <param name="message">The message.</param>
    /// <returns>The exception.</returns>
    public static CliException BadData(string message) => new(message, ExitCodes.DataError);
}
