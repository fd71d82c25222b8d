using System.Collections.Concurrent;
using MLGradientInsight.Reports;
using MLGradientInsight.Reports.Data;
using MLGradientInsight.Reports.Model;
using MLGradientInsight.Transforms.Store;

namespace MLGradientInsight.Dashboard;

/// <summary>
/// Keeps each viewed run's columns in memory and tops them up from the store on every request (only rows from the last
/// step read on are read again), so following a 100,000-step run costs one small query per poll. Reads use WAL
/// snapshots: the training process writing the run is never blocked.
/// </summary>
internal sealed class RunCache(RunStore store, IReadOnlyList<IReportContributor> contributors)
{
    private readonly ConcurrentDictionary<string, Entry> _runs = new(StringComparer.Ordinal);

    /// <summary>Gets the store.</summary>
    public RunStore Store => store;

    /// <summary>Builds the current report of a run.</summary>
    /// <param name="run">The run (known to exist).</param>
    /// <param name="maxPoints">Points per chart line.</param>
    /// <returns>The report.</returns>
    public RunReport Report(RunInfo run, int maxPoints)
    {
        Entry entry = _runs.GetOrAdd(run.Id, id => new Entry(new RunSeriesData(id)));
        var options = new ReportOptions { MaxPoints = maxPoints, Contributors = contributors };
        lock (entry)
        {
            entry.Data.Refresh(store);

            // Analyses run once per run state: again only while the run is still being written.
            if (entry.Panels is null || entry.PanelsStep != entry.Data.LastStep || entry.PanelsStatus != entry.Data.Run.Status)
            {
                entry.Panels = RunReportBuilder.Contribute(store, entry.Data.Run, options);
                entry.PanelsStep = entry.Data.LastStep;
                entry.PanelsStatus = entry.Data.Run.Status;
            }

            return RunReportBuilder.Build(entry.Data, options, entry.Panels);
        }
    }

    private sealed class Entry(RunSeriesData data)
    {
        public RunSeriesData Data { get; } = data;

        public IReadOnlyList<ReportPanel>? Panels { get; set; }

        public long PanelsStep { get; set; }

        public RunStatus PanelsStatus { get; set; }
    }
}
