using System.Globalization;
using Spectre.Console;

namespace MLGradientInsight.Cli;

internal static class Program
{
    private static int Main(string[] args)
    {
        CultureInfo.DefaultThreadCurrentCulture = CultureInfo.InvariantCulture;
        CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;
        IAnsiConsole console = Console.IsOutputRedirected
            ? AnsiConsole.Create(new AnsiConsoleSettings { Ansi = AnsiSupport.No, ColorSystem = ColorSystemSupport.NoColors, Interactive = InteractionSupport.No })
            : AnsiConsole.Console;
        if (Console.IsOutputRedirected)
        {
            console.Profile.Width = 160;
        }

        return MlgiApp.Run(args, console);
    }
}
