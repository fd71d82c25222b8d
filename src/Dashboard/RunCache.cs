using System.Collections.Concurrent;
using System.Diagnostics;
using MLGradientInsight.Reports;
using MLGradientInsight.Reports.Data;
using MLGradientInsight.Reports.Model;
using MLGradientInsight.Transforms.Store;

namespace MLGradientInsight.Dashboard;

/// <summary>
/// Keeps each viewed run's columns in memory and tops them up from the store on every request (only rows from the last
/// step read on are read again), so following a 100,000-step run costs a few small index reads per poll. The analyses'
/// panels are kept too and recomputed only when the run ends or has grown by <see cref="PanelGrowth"/> (or
/// <see cref="PanelInterval"/> has passed): a diagnosis reads and classifies the whole run. Reads use WAL snapshots: the
/// training process writing the run is never blocked.
/// </summary>
internal sealed class RunCache(RunStore store, IReadOnlyList<IReportContributor> contributors)
{
    /// <summary>The growth of a running run (fraction of its steps) after which its panels are recomputed.</summary>
    public const double PanelGrowth = 0.05;

    /// <summary>The time after which a growing run's panels are recomputed whatever its growth.</summary>
    public static readonly TimeSpan PanelInterval = TimeSpan.FromSeconds(30);

    private readonly ConcurrentDictionary<string, Entry> _runs = new(StringComparer.Ordinal);

    /// <summary>Gets the store.</summary>
    public RunStore Store => store;

    /// <summary>Builds the current report of a run, whole or from a step on.</summary>
    /// <param name="run">The run (known to exist).</param>
    /// <param name="maxPoints">Points per chart line.</param>
    /// <param name="from">Null for the whole report; else the client's last step: the step series then hold only the points
    /// from that step on, and the panels only when they changed after it (see <see cref="RunReport.From"/>).</param>
    /// <returns>The report.</returns>
    public RunReport Report(RunInfo run, int maxPoints, long? from = null)
    {
        Entry entry = _runs.GetOrAdd(run.Id, id => new Entry(new RunSeriesData(id)));
        var options = new ReportOptions { MaxPoints = maxPoints, Contributors = contributors };
        lock (entry)
        {
            entry.Data.Refresh(store);
            long last = entry.Data.LastStep;
            RunStatus status = entry.Data.Run.Status;
            bool stale = entry.Panels is null || entry.PanelsStatus != status
                || (last != entry.PanelsStep && (last >= entry.PanelsStep * (1 + PanelGrowth) || entry.PanelsAge.Elapsed >= PanelInterval));
            if (stale)
            {
                entry.Panels = RunReportBuilder.Contribute(store, entry.Data.Run, options);
                entry.PanelsStep = last;
                entry.PanelsStatus = status;
                entry.PanelsChangedAt = last;
                entry.PanelsAge.Restart();
            }

            // An incremental report carries the panels only when they were recomputed after the client's last step.
            bool send = from is null || entry.PanelsChangedAt > from;
            return RunReportBuilder.Build(entry.Data, options, send ? entry.Panels : null, from);
        }
    }

    private sealed class Entry(RunSeriesData data)
    {
        public RunSeriesData Data { get; } = data;

        public IReadOnlyList<ReportPanel>? Panels { get; set; }

        /// <summary>Gets or sets the last step of the data the panels were computed from.</summary>
        public long PanelsStep { get; set; }

        /// <summary>Gets or sets the last step at the moment the panels were last recomputed (clients from before it need them).</summary>
        public long PanelsChangedAt { get; set; }

        public RunStatus PanelsStatus { get; set; }

        public Stopwatch PanelsAge { get; } = Stopwatch.StartNew();
    }
}
