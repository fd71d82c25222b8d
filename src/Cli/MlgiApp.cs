using System.CommandLine;
using System.Diagnostics;
using System.Reflection;
using MLGradientInsight.Trainers.Checkpoints;
using MLGradientInsight.Trainers.Data;
using MLGradientInsight.Transforms.Store;
using MLGradientInsight.Transforms.Traces;

namespace MLGradientInsight.Cli;

/// <summary>The <c>mlgi</c> command tree, parse-error handling and the mapping of failures to exit codes.</summary>
internal static class MlgiApp
{
    /// <summary>Parses and runs a command line.</summary>
    /// <param name="args">The arguments.</param>
    /// <param name="console">Where output goes.</param>
    /// <returns>The exit code (<see cref="ExitCodes"/>).</returns>
    public static int Run(string[] args, CliConsole console)
    {
        ParseResult parsed = BuildRoot(console).Parse(args);
        if (parsed.Errors.Count > 0 && !IsHelpRequest(parsed))
        {
            foreach (System.CommandLine.Parsing.ParseError error in parsed.Errors)
            {
                console.WriteError(error.Message);
            }

            string command = string.Join(' ', CommandPath(parsed.CommandResult));
            console.Error.WriteLine($"Run '{command} --help' for the options and their valid values.");
            return ExitCodes.UsageError;
        }

        var config = new InvocationConfiguration
        {
            Output = console.Out,
            Error = console.Error,
            EnableDefaultExceptionHandler = false,
            ProcessTerminationTimeout = null, // train handles SIGINT/SIGTERM itself (StopSignal)
        };
        try
        {
            return parsed.Invoke(config);
        }
        catch (Exception e)
        {
            return Report(e, args, console);
        }
    }

    /// <summary>The command tree: one line per command, each command in its own file.</summary>
    /// <param name="console">Where the commands write.</param>
    /// <returns>The root command.</returns>
    internal static RootCommand BuildRoot(CliConsole console) => new("mlgi — watch neural-network training through its gradients.")
    {
        TrainCommand.Create(console),
        EvaluateCommand.Create(console),
        ExportOnnxCommand.Create(console),
        RunsCommand.Create(console),
        ExportCommand.Create(console),
        ImportCommand.Create(console),
        DiagnoseCommand.Create(console),
        ReportCommand.Create(console),
        ServeCommand.Create(console),
        ClassifierCommand.Create(console),
        TrajectoryCommand.Create(console),
        InterpolateCommand.Create(console),
        RobustnessCommand.Create(console),
        ImportanceCommand.Create(console),
        GradNetCommand.Create(console),
    };

    /// <summary>Turns an exception into a message on stderr and an exit code.</summary>
    /// <param name="exception">The exception.</param>
    /// <param name="args">The command line (for the bug log).</param>
    /// <param name="console">The console.</param>
    /// <returns>The exit code.</returns>
    internal static int Report(Exception exception, string[] args, CliConsole console)
    {
        switch (exception)
        {
            case CliException e:
                console.WriteError(e.Message);
                return e.ExitCode;
            case DataFormatException or TraceFormatException or CheckpointException or RunStoreException
                or FileNotFoundException or DirectoryNotFoundException or UnauthorizedAccessException:
                // The library's messages name the file, the position and the fix.
                console.WriteError(exception.Message);
                return ExitCodes.DataError;
            case IOException e:
                console.WriteError($"{e.Message} Check the path, free space and permissions, then run the command again.");
                return ExitCodes.DataError;
            default:
                string log = WriteBugLog(exception, args);
                console.WriteError(
                    $"mlgi failed unexpectedly ({exception.GetType().Name}). This is a bug in mlgi, not a problem with your input. "
                    + $"The details and stack trace are in {log}; please report it with the command line you ran.");
                return ExitCodes.InternalError;
        }
    }

    private static bool IsHelpRequest(ParseResult parsed) => parsed.Action is System.CommandLine.Help.HelpAction;

    private static string WriteBugLog(Exception exception, string[] args)
    {
        string version = typeof(MlgiApp).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "unknown";
        string text = $"mlgi {version} on .NET {Environment.Version}, {System.Runtime.InteropServices.RuntimeInformation.OSDescription}\n"
            + $"time: {DateTime.UtcNow:O}\ncommand: mlgi {string.Join(' ', args)}\ncurrent directory: {Environment.CurrentDirectory}\n\n{exception}\n";
        foreach (string folder in new[] { Path.GetTempPath(), Environment.CurrentDirectory })
        {
            string path = Path.Combine(folder, $"mlgi-crash-{DateTime.UtcNow:yyyyMMdd-HHmmss}-{Environment.ProcessId}.log");
            try
            {
                File.WriteAllText(path, text);
                return path;
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                Debug.WriteLine(e.Message);
            }
        }

        return "(no log file could be written; here is the trace)\n" + exception;
    }

    /// <summary>The words of the command a parse result reached, from <c>mlgi</c> down (e.g. mlgi classifier train).</summary>
    private static IEnumerable<string> CommandPath(System.CommandLine.Parsing.CommandResult result)
    {
        var words = new Stack<string>();
        for (System.CommandLine.Parsing.SymbolResult? r = result; r is not null; r = r.Parent)
        {
            if (r is System.CommandLine.Parsing.CommandResult c)
            {
                words.Push(c.Command is RootCommand ? "mlgi" : c.Command.Name);
            }
        }

        return words;
    }
}
