using System.Globalization;

namespace MLGradientInsight.Cli;

internal static class Program
{
    private static int Main(string[] args)
    {
        CultureInfo.DefaultThreadCurrentCulture = CultureInfo.InvariantCulture;
        CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;
        return MlgiApp.Run(args, CliConsole.FromProcess());
    }
}
