using System.CommandLine;
using System.Globalization;
using MLGradientInsight.Reports;
using MLGradientInsight.Reports.Html;
using MLGradientInsight.Reports.Model;
using MLGradientInsight.Transforms.Store;
using Spectre.Console;

namespace MLGradientInsight.Cli;

/// <summary><c>mlgi report RUN [RUN…] --out report.html</c>: a self-contained HTML report of one or more runs.</summary>
internal static class ReportCommand
{
    public static Command Create(CliConsole cli)
    {
        IAnsiConsole console = cli.Ansi();
        var runs = new Argument<string[]>("run") { Description = "Run ids, unique id prefixes or unique run names (see mlgi runs); several runs are overlaid.", Arity = ArgumentArity.OneOrMore };
        var output = new Option<string>("--out") { Description = "The HTML file to write.", DefaultValueFactory = _ => "report.html" };
        var store = new Option<string>("--store") { Description = "Run store file (SQLite).", DefaultValueFactory = _ => "runs.db" };
        var maxPoints = NumberOption.Create<int>("--max-points", "Most points per chart line; longer series are drawn as their min/max envelope", NumberRange.Between(16, ReportOptions.MaxPointsLimit), ReportOptions.Default.MaxPoints);
        var title = new Option<string?>("--title") { Description = "Page title (default: the run names)." };
        var command = new Command("report", "Write a self-contained HTML report (opens offline): activity with the classifier's windows, per-layer panels, loss, accuracy, learning rate, run summary with the diagnosis, and the analyses saved for the run (trajectory, linear path, robustness, importance map).") { runs, output, store, maxPoints, title };
        command.SetAction(pr =>
        {
            PhaseTimer? timer = PhaseTimer.StartIfAsked();
            int points = pr.GetValue(maxPoints)!.Value;

            string storePath = pr.GetValue(store)!;
            if (!File.Exists(storePath))
            {
                throw new CliException($"Run store '{storePath}' does not exist. Record a run with 'mlgi train --track --store {storePath}' or pass --store.", ExitCodes.DataError);
            }

            RunStore s = StoreOptions.OpenExisting(storePath);
            var options = new ReportOptions { MaxPoints = points, Contributors = ReportContributors.All };
            var reports = new List<RunReport>();
            foreach (string run in pr.GetValue(runs)!)
            {
                RunInfo info = StoreOptions.FindRun(s, run);
                reports.Add(RunReportBuilder.Build(s, info.Id, options));
            }

            timer?.Mark("series and panels");
            string path = pr.GetValue(output)!;
            ReportHtml.Write(path, reports, pr.GetValue(title));
            timer?.Mark("html");
            long steps = reports.Sum(r => r.LastStep);
            console.WriteLine($"wrote {Path.GetFullPath(path)} ({string.Join(", ", reports.Select(r => $"{r.Run.Id} {r.Run.Name}"))}; {steps.ToString("N0", CultureInfo.InvariantCulture)} steps)");
            timer?.Report(cli);
            return ExitCodes.Ok;
        });
        return command;
    }
}
