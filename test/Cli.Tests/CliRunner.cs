using Spectre.Console;

namespace MLGradientInsight.Cli.Tests;

/// <summary>Runs <c>mlgi</c> in-process against a captured, non-interactive console.</summary>
internal static class CliRunner
{
    public static (int ExitCode, string Output) Run(params string[] args)
    {
        var writer = new StringWriter();
        IAnsiConsole console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(writer),
            Ansi = AnsiSupport.No,
            ColorSystem = ColorSystemSupport.NoColors,
            Interactive = InteractionSupport.No,
        });
        console.Profile.Width = 200;
        int code = MlgiApp.Run(args, console);
        return (code, writer.ToString());
    }

    public static string TempPath(string extension) => Path.Combine(Path.GetTempPath(), $"mlgi-test-{Guid.NewGuid():N}{extension}");
}
