using System.Collections.Concurrent;
using System.Diagnostics;
using MLGradientInsight.Reports;
using MLGradientInsight.Reports.Data;
using MLGradientInsight.Reports.Model;
using MLGradientInsight.Transforms.Store;

namespace MLGradientInsight.Dashboard;

/// <summary>
/// Keeps each viewed run's columns in memory and tops them up from the store on every request (only rows from the last
/// step read on are read again), so following a 100,000-step run costs a few small index reads per poll.
/// </summary>
/// <remarks>
/// The analyses' panels are computed off the request path: a diagnosis reads and classifies the whole run (about a minute
/// of CPU for 100,000 steps × 21 series), so a request never waits for it. While a computation runs the report says
/// <see cref="RunReport.PanelsPending"/> and carries the previous panels. A growing run's panels are recomputed when it has
/// grown by <see cref="PanelGrowth"/> and at least <see cref="PanelCooldown"/> times the last computation's duration has
/// passed since it started (so analyses take at most about a quarter of one core), and once more when the run's status
/// changes. Reads use WAL snapshots: the training process writing the run is never blocked.
/// </remarks>
internal sealed class RunCache(RunStore store, IReadOnlyList<IReportContributor> contributors)
{
    /// <summary>The growth of a running run (fraction of its steps) after which its panels are recomputed.</summary>
    public const double PanelGrowth = 0.05;

    /// <summary>How many times its own duration must pass after a computation started before the next one starts.</summary>
    public const double PanelCooldown = 4;

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
            StartPanelsIfStale(entry, options);

            // An incremental report carries the panels only when they were installed after the client's last step.
            bool send = from is null || entry.PanelsChangedAt > from;
            RunReport report = RunReportBuilder.Build(entry.Data, options, send ? entry.Panels ?? [] : null, from);
            return report with { PanelsPending = entry.Computing is not null };
        }
    }

    /// <summary>The panel computation of a run in progress, or a completed task (tests wait on it).</summary>
    /// <param name="runId">The run id.</param>
    /// <returns>The task.</returns>
    internal Task PanelsComputation(string runId)
    {
        if (!_runs.TryGetValue(runId, out Entry? entry))
        {
            return Task.CompletedTask;
        }

        lock (entry)
        {
            return entry.Computing ?? Task.CompletedTask;
        }
    }

    private void StartPanelsIfStale(Entry entry, ReportOptions options)
    {
        if (contributors.Count == 0 || entry.Computing is not null)
        {
            return;
        }

        long last = entry.Data.LastStep;
        RunInfo run = entry.Data.Run;
        bool stale = !entry.Started || entry.StartedStatus != run.Status
            || (last > entry.StartedStep && last >= entry.StartedStep * (1 + PanelGrowth) && entry.SinceStart.Elapsed >= entry.LastDuration * PanelCooldown);
        if (!stale)
        {
            return;
        }

        entry.Started = true;
        entry.StartedStep = last;
        entry.StartedStatus = run.Status;
        entry.SinceStart.Restart();
        entry.Computing = Task.Run(() =>
        {
            var clock = Stopwatch.StartNew();
            IReadOnlyList<ReportPanel> panels;
            try
            {
                panels = RunReportBuilder.Contribute(store, run, options);
            }
            catch (Exception e) when (e is RunStoreException or InvalidOperationException or ArgumentException or IOException or Microsoft.Data.Sqlite.SqliteException)
            {
                panels = [new TextPanel { Title = "Analyses failed", Text = $"The analyses of run {run.Id} could not be computed: {e.Message}", Evidence = ["the charts above are complete; reload the page to try the analyses again"] }];
            }

            lock (entry)
            {
                entry.Panels = panels;
                entry.PanelsChangedAt = entry.Data.LastStep + 1;
                entry.LastDuration = clock.Elapsed;
                entry.Computing = null;
            }
        });
    }

    private sealed class Entry(RunSeriesData data)
    {
        public RunSeriesData Data { get; } = data;

        /// <summary>Gets or sets the panels last computed (null before the first computation ends).</summary>
        public IReadOnlyList<ReportPanel>? Panels { get; set; }

        /// <summary>Gets or sets the first client step that lacks the current panels (the last step when they were installed, plus one).</summary>
        public long PanelsChangedAt { get; set; }

        /// <summary>Gets or sets the computation in progress, or null.</summary>
        public Task? Computing { get; set; }

        public bool Started { get; set; }

        /// <summary>Gets or sets the last step of the data when the last computation started.</summary>
        public long StartedStep { get; set; }

        public RunStatus StartedStatus { get; set; }

        public Stopwatch SinceStart { get; } = new();

        public TimeSpan LastDuration { get; set; }
    }
}
