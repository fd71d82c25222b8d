using System.CommandLine;
using Spectre.Console;

namespace MLGradientInsight.Cli;

/// <summary>The <c>mlgi</c> command tree.</summary>
internal static class MlgiApp
{
    /// <summary>Exit code for success.</summary>
    public const int Ok = 0;

    /// <summary>Exit code for a bad option or argument.</summary>
    public const int UsageError = 1;

    /// <summary>Exit code for missing or malformed input data or files.</summary>
    public const int DataError = 2;

    /// <summary>Exit code for a training run stopped by NaN/Inf.</summary>
    public const int NonFinite = 3;

    /// <summary>Exit code for a run cancelled with Ctrl+C (130, as shells report SIGINT).</summary>
    public const int Cancelled = 130;

    /// <summary>Parses and runs a command line.</summary>
    /// <param name="args">The arguments.</param>
    /// <param name="console">Where output goes.</param>
    /// <returns>The exit code.</returns>
    public static int Run(string[] args, IAnsiConsole console)
    {
        var root = new RootCommand("mlgi — watch neural-network training through its gradients.")
        {
            TrainCommand.Create(console),
            ExportOnnxCommand.Create(console),
            TrajectoryCommand.Create(console),
            InterpolateCommand.Create(console),
            RobustnessCommand.Create(console),
            ImportanceCommand.Create(console),
            GradNetCommand.Create(console),
        };
        foreach (Command c in StoreCommands.Create(console))
        {
            root.Subcommands.Add(c);
        }

        var config = new InvocationConfiguration { Output = new ConsoleWriter(console), Error = new ConsoleWriter(console) };
        return root.Parse(args).Invoke(config);
    }

    /// <summary>Runs <paramref name="action"/>, turning expected failures into messages and exit codes.</summary>
    /// <param name="console">The console.</param>
    /// <param name="action">The command body.</param>
    /// <returns>The exit code.</returns>
    public static int Guard(IAnsiConsole console, Func<int> action)
    {
        try
        {
            return action();
        }
        catch (CliException e)
        {
            console.MarkupLine($"[red]error:[/] {Markup.Escape(e.Message)}");
            return e.ExitCode;
        }
        catch (Exception e) when (e is FormatException or IOException or InvalidDataException or UnauthorizedAccessException or InvalidOperationException or ArgumentException)
        {
            console.MarkupLine($"[red]error:[/] {Markup.Escape(e.Message)}");
            return DataError;
        }
    }

    private sealed class ConsoleWriter(IAnsiConsole console) : TextWriter
    {
        public override System.Text.Encoding Encoding => System.Text.Encoding.UTF8;

        public override void Write(char value) => console.Write(value.ToString());

        public override void Write(string? value)
        {
            if (value is not null)
            {
                console.Write(new Text(value));
            }
        }
    }
}

/// <summary>A user-facing failure with its exit code.</summary>
/// <param name="message">What went wrong and how to fix it.</param>
/// <param name="exitCode">The process exit code.</param>
internal sealed class CliException(string message, int exitCode = MlgiApp.UsageError) : Exception(message)
{
    /// <summary>Gets the exit code.</summary>
    public int ExitCode { get; } = exitCode;
}
