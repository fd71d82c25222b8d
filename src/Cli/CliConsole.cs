using System.Text;
using Spectre.Console;

namespace MLGradientInsight.Cli;

/// <summary>
/// Where <c>mlgi</c> writes: results to <see cref="Out"/> (stdout), errors, warnings and status lines to
/// <see cref="Error"/> (stderr). Lines are written as they are, never hard-wrapped; only the live progress line is
/// fitted to <see cref="Width"/>, and only when stdout is a terminal.
/// </summary>
internal sealed class CliConsole
{
    /// <summary>Creates a console over two writers.</summary>
    /// <param name="output">Standard output.</param>
    /// <param name="error">Standard error.</param>
    /// <param name="isTerminal">Whether standard output is a terminal (live display, tables).</param>
    /// <param name="width">The terminal width in columns.</param>
    /// <param name="live">Whether standard error is a terminal, so a live progress line can be redrawn there.</param>
    public CliConsole(TextWriter output, TextWriter error, bool isTerminal, int width, bool live)
    {
        Out = output;
        Error = error;
        IsTerminal = isTerminal;
        Width = Math.Max(20, width);
        Live = live;
    }

    /// <summary>Gets standard output: results and data (what a script reads).</summary>
    public TextWriter Out { get; }

    /// <summary>Gets standard error: errors, warnings, status lines.</summary>
    public TextWriter Error { get; }

    /// <summary>Gets whether standard output is a terminal.</summary>
    public bool IsTerminal { get; }

    /// <summary>Gets the terminal width in columns.</summary>
    public int Width { get; }

    /// <summary>Gets whether standard error is a terminal (the live progress line is drawn there).</summary>
    public bool Live { get; }

    /// <summary>The console of this process.</summary>
    /// <returns>A console over <see cref="Console.Out"/> and <see cref="Console.Error"/>.</returns>
    public static CliConsole FromProcess()
    {
        bool terminal = !Console.IsOutputRedirected;
        bool live = !Console.IsErrorRedirected;
        int width = 80;
        if (terminal || live)
        {
            try
            {
                width = Console.WindowWidth > 0 ? Console.WindowWidth : 80;
            }
            catch (IOException)
            {
                width = 80;
            }
        }

        var stdout = new StreamWriter(Console.OpenStandardOutput(), new UTF8Encoding(false)) { AutoFlush = true };
        var stderr = new StreamWriter(Console.OpenStandardError(), new UTF8Encoding(false)) { AutoFlush = true };
        return new CliConsole(stdout, stderr, terminal, width, live);
    }

    /// <summary>Writes a result line to stdout.</summary>
    /// <param name="line">The line.</param>
    public void Line(string line) => Out.WriteLine(line);

    /// <summary>Writes <c>error: …</c> to stderr.</summary>
    /// <param name="message">The message.</param>
    public void WriteError(string message) => Error.WriteLine($"error: {message}");

    /// <summary>Writes <c>warning: …</c> to stderr.</summary>
    /// <param name="message">The message.</param>
    public void Warn(string message) => Error.WriteLine($"warning: {message}");

    /// <summary>Writes a status line (progress of the command, not its result) to stderr.</summary>
    /// <param name="message">The message.</param>
    public void Status(string message) => Error.WriteLine(message);

    /// <summary>The line width used when stdout is not a terminal (wide enough that nothing wraps).</summary>
    private const int UnwrappedWidth = 4096;

    /// <summary>A Spectre.Console console over stdout for tables on a terminal.</summary>
    /// <returns>The console.</returns>
    public IAnsiConsole Ansi()
    {
        IAnsiConsole console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(Out),
            Ansi = IsTerminal ? AnsiSupport.Detect : AnsiSupport.No,
            ColorSystem = IsTerminal ? ColorSystemSupport.Detect : ColorSystemSupport.NoColors,
            Interactive = InteractionSupport.No,
        });
        // Piped output is never hard-wrapped: scripts and tests read whole lines (paths, URLs, JSON).
        console.Profile.Width = IsTerminal ? Width : UnwrappedWidth;
        return console;
    }
}
