using System.Globalization;
using BenchmarkDotNet.Running;

namespace MLGradientInsight.Benchmarks;

/// <summary>Entry point: <c>dotnet run -c Release --project benchmarks/MLGradientInsight.Benchmarks -- --filter '*'</c>.</summary>
public static class Program
{
    /// <summary>Runs the benchmarks chosen by the arguments.</summary>
    /// <param name="args">BenchmarkDotNet arguments.</param>
    public static void Main(string[] args)
    {
        CultureInfo.DefaultThreadCurrentCulture = CultureInfo.InvariantCulture;
#if DEBUG
        Console.Error.WriteLine("warning: benchmarks built in Debug; numbers are meaningless. Use -c Release.");
#endif
        if (args.Length > 0 && args[0] == "tracker-overhead")
        {
            ActivityCompareRunner.Overhead(args[1..]);
            return;
        }

        if (args.Length > 0 && args[0] == "compare-activity")
        {
            ActivityCompareRunner.Run(args[1..]);
            return;
        }

        if (args.Length > 0 && args[0] == "gradspace-throughput")
        {
            GradientSpaceRunner.Throughput(args[1..]);
            return;
        }

        if (args.Length > 0 && args[0] == "gradspace-experiments")
        {
            GradientSpaceRunner.Experiments(args[1..]);
            return;
        }

        if (args.Length > 0 && args[0] == "compare")
        {
            CompareRunner.Run(args[1..]);
            return;
        }

        BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
    }
}
