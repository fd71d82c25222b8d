using System.CommandLine;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Hosting;
using MLGradientInsight.Dashboard;
using Spectre.Console;

namespace MLGradientInsight.Cli;

/// <summary><c>mlgi serve [--store runs.db] [--urls http://127.0.0.1:5000]</c>: the live, read-only dashboard.</summary>
internal static class ServeCommand
{
    public static Command Create(CliConsole cli)
    {
        var store = new Option<string>("--store") { Description = "Run store file (SQLite) to show; training processes may write to it meanwhile.", DefaultValueFactory = _ => "runs.db" };
        var urls = new Option<string>("--urls") { Description = "Addresses to listen on, separated by ';' (loopback by default; port 0 picks a free port).", DefaultValueFactory = _ => DashboardOptions.DefaultUrl };
        var command = new Command("serve", "Serve a live, read-only dashboard of a run store: run list, run pages that follow training, comparisons.") { store, urls };
        command.SetAction((pr, cancellation) => Task.FromResult(Invoke(() =>
        {
            var options = new DashboardOptions
            {
                StorePath = pr.GetValue(store)!,
                Urls = pr.GetValue(urls)!.Split(';', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries),
                Contributors = ReportContributors.All,
            };
            try
            {
                options.Validate();
            }
            catch (ArgumentException e)
            {
                throw new CliException(e.Message.Split(" (Parameter", 2)[0], File.Exists(options.StorePath) ? ExitCodes.UsageError : ExitCodes.DataError);
            }

            WebApplication app = DashboardServer.Build(options);
            try
            {
                app.StartAsync(cancellation).GetAwaiter().GetResult();
            }
            catch (IOException e)
            {
                throw new CliException($"Cannot listen on {string.Join(", ", options.Urls)}: {e.Message} Pass another address with --urls, e.g. http://127.0.0.1:0 for a free port.");
            }

            if (!options.LoopbackOnly)
            {
                cli.Warn("listening beyond this machine; anyone who can reach it can read every run in the store.");
            }

            cli.Line($"serving {Path.GetFullPath(options.StorePath)} at {string.Join(", ", DashboardServer.Addresses(app))} (read-only; Ctrl+C to stop)");
            app.WaitForShutdownAsync(cancellation).GetAwaiter().GetResult();
            app.DisposeAsync().AsTask().GetAwaiter().GetResult();
            return ExitCodes.Ok;
        })));
        return command;
    }

    /// <summary>Runs the command body synchronously (failures reach <see cref="MlgiApp.Run"/>'s exit-code mapping).</summary>
    private static int Invoke(Func<int> body) => body();
}
