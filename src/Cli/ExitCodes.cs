namespace MLGradientInsight.Cli;

/// <summary>The exit codes of <c>mlgi</c> (documented in README.md, "Command line").</summary>
internal static class ExitCodes
{
    /// <summary>Success.</summary>
    public const int Ok = 0;

    /// <summary>A bad option or argument (the message names it, the value and the valid range or choices).</summary>
    public const int UsageError = 1;

    /// <summary>A missing or malformed file or data (the message names the file, the position and the fix).</summary>
    public const int DataError = 2;

    /// <summary>Training stopped by NaN/Inf.</summary>
    public const int NonFinite = 3;

    /// <summary>A bug in mlgi (an unexpected exception; the stack trace is written to a log file). 70 is EX_SOFTWARE of sysexits.h.</summary>
    public const int InternalError = 70;

    /// <summary>Stopped by Ctrl+C (SIGINT): 128 + 2, as shells report it.</summary>
    public const int Interrupted = 130;

    /// <summary>Stopped by SIGTERM (kill, timeout, systemd, container runtimes): 128 + 15.</summary>
    public const int Terminated = 143;
}
