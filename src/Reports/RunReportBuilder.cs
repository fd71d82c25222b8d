using System.Buffers;
using System.Globalization;
using MLGradientInsight.Reports.Data;
using MLGradientInsight.Reports.Downsampling;
using MLGradientInsight.Reports.Model;
using MLGradientInsight.Transforms.Store;

namespace MLGradientInsight.Reports;

/// <summary>Builds <see cref="RunReport"/>s from a run store: reads a run's series, downsamples them and collects the analyses' panels.</summary>
public static class RunReportBuilder
{
    /// <summary>Builds the report of one run.</summary>
    /// <param name="store">The store.</param>
    /// <param name="runId">The run id (see <see cref="RunStore.FindRun"/> to resolve prefixes and names).</param>
    /// <param name="options">Options, or null for <see cref="ReportOptions.Default"/>.</param>
    /// <returns>The report.</returns>
    /// <remarks>The contributors (<see cref="ReportOptions.Contributors"/>) run one after the other on a thread-pool thread
    /// while this thread reads the run's series; each reads the store on its own connections.</remarks>
    /// <exception cref="ArgumentException">No run has this id.</exception>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range.</exception>
    public static RunReport Build(RunStore store, string runId, ReportOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(store);
        options ??= ReportOptions.Default;
        options.Validate();
        RunInfo run = store.GetRun(runId);

        // The contributors (the diagnosis: seconds for a long run) read the store on their own connections, so they run
        // while the series are read.
        Task<IReadOnlyList<ReportPanel>> panels = Task.Run(() => Contribute(store, run, options));
        var data = new RunSeriesData(runId);
        try
        {
            data.Refresh(store);
        }
        catch
        {
            // Not left running unobserved: the reason the read failed is the one reported.
            try
            {
                panels.Wait();
            }
            catch (AggregateException)
            {
            }

            throw;
        }

        return Build(data, options, panels.GetAwaiter().GetResult());
    }

    /// <summary>Builds the report of an in-memory activity trace (e.g. <see cref="Transforms.Activity.InMemoryActivitySink.Records"/>
    /// or rows read with <see cref="Transforms.Traces.TraceCsv"/>), without a store: activity, loss and learning rate from the rows.</summary>
    /// <param name="name">The name shown for the trace.</param>
    /// <param name="trace">The activity rows in step order (one run).</param>
    /// <param name="options">Options, or null for <see cref="ReportOptions.Default"/> (contributors are not called: there is no store).</param>
    /// <returns>The report.</returns>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range.</exception>
    public static RunReport Build(string name, IEnumerable<Transforms.Activity.ActivityRecord> trace, ReportOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(trace);
        options ??= ReportOptions.Default;
        options.Validate();
        return Build(RunSeriesData.FromTrace(name, trace), options, []);
    }

    /// <summary>Collects the contributors' panels for a run.</summary>
    internal static IReadOnlyList<ReportPanel> Contribute(RunStore store, RunInfo run, ReportOptions options) =>
        options.Contributors.SelectMany(c => c.Contribute(store, run)).ToList();

    /// <summary>Builds a report from data already read.</summary>
    /// <param name="data">The run's data.</param>
    /// <param name="options">The options.</param>
    /// <param name="panels">The contributors' panels, or null for an incremental report whose panels have not changed.</param>
    /// <param name="from">Null for a whole report; else the first step whose points the step series hold (see <see cref="RunReport.From"/>).</param>
    internal static RunReport Build(RunSeriesData data, ReportOptions options, IReadOnlyList<ReportPanel>? panels, long? from = null)
    {
        SeriesColumns steps = data.Steps;
        SeriesColumns? network = data.Network;
        long first = from ?? long.MinValue;
        return new RunReport
        {
            Run = data.Run,
            LastStep = data.LastStep,
            Timings = Timings(data),
            NetworkActivity = network is null ? new ReportSeries { Name = data.Run.Name } : Series(data.Run.Name, network.Steps, network.Column(RunSeriesData.ActivityColumn), options, first),
            LayerActivity = data.LayerNames.Select(l => Series(l, data.Layer(l).Steps, data.Layer(l).Column(RunSeriesData.ActivityColumn), options, first)).ToList(),
            Loss = Series("loss", steps.Steps, steps.Column(RunSeriesData.LossColumn), options, first),
            LearningRate = Series("learning rate", steps.Steps, steps.Column(RunSeriesData.LearningRateColumn), options, first),
            ExcludedFraction = network is null ? new ReportSeries { Name = "excluded fraction" } : Series("excluded fraction", network.Steps, network.Column(RunSeriesData.ExcludedColumn), options, first),
            NonFiniteGradients = network is null ? new ReportSeries { Name = "non-finite gradient values" } : NonZero("non-finite gradient values", network.Steps, network.Column(RunSeriesData.NonFiniteColumn), options, first),
            EpochMetrics = EpochMetrics(data),
            Panels = panels ?? [],
            From = from,
            PanelsUnchanged = panels is null,
        };
    }

    /// <summary>
    /// The points of a step series from step <paramref name="from"/> on (the whole series for <see cref="long.MinValue"/>),
    /// downsampled to the budget, with the counts (source points, non-finite values) of the whole series.
    /// </summary>
    internal static ReportSeries Series(string name, ReadOnlySpan<double> x, ReadOnlySpan<double> values, ReportOptions options, long from)
    {
        if (from == long.MinValue)
        {
            return Series(name, x, values, options);
        }

        int start = FirstAtOrAfter(x, from);
        ReportSeries whole = NonFiniteOf(name, x, values, options);
        return Series(name, x[start..], values[start..], options) with { SourcePoints = values.Length, NonFiniteCount = whole.NonFiniteCount, NonFinite = whole.NonFinite };
    }

    /// <summary>The index of the first x at or after <paramref name="step"/> (x ascending), or the length when none is.</summary>
    internal static int FirstAtOrAfter(ReadOnlySpan<double> x, long step)
    {
        int lo = 0, hi = x.Length;
        while (lo < hi)
        {
            int mid = (lo + hi) >>> 1;
            if (x[mid] < step)
            {
                lo = mid + 1;
            }
            else
            {
                hi = mid;
            }
        }

        return lo;
    }

    /// <summary>Makes a drawable series: the finite points (min/max envelope when there are more than the budget), the non-finite ones counted and listed.</summary>
    /// <param name="name">The series name.</param>
    /// <param name="x">The x values (steps), ascending.</param>
    /// <param name="values">The values.</param>
    /// <param name="options">The options (point budget, how many non-finite values to list).</param>
    /// <returns>The series.</returns>
    internal static ReportSeries Series(string name, ReadOnlySpan<double> x, ReadOnlySpan<double> values, ReportOptions options)
    {
        int[] rented = ArrayPool<int>.Shared.Rent(Math.Max(1, Math.Min(values.Length, options.MaxPoints)));
        try
        {
            int count = MinMaxDownsampler.Select(values, options.MaxPoints, rented);
            double[] xs = new double[count];
            double[] ys = new double[count];
            for (int i = 0; i < count; i++)
            {
                xs[i] = x[rented[i]];
                ys[i] = values[rented[i]];
            }

            ReportSeries nonFinite = NonFiniteOf(name, x, values, options);
            return nonFinite with
            {
                X = xs,
                Values = ys,
                Downsampled = values.Length - nonFinite.NonFiniteCount > count,
            };
        }
        finally
        {
            ArrayPool<int>.Shared.Return(rented);
        }
    }

    /// <summary>A series with no points yet: the number of source points and the non-finite ones counted and listed.</summary>
    private static ReportSeries NonFiniteOf(string name, ReadOnlySpan<double> x, ReadOnlySpan<double> values, ReportOptions options)
    {
        long nonFinite = 0;
        var listed = new List<NonFinitePoint>();
        for (int i = 0; i < values.Length; i++)
        {
            if (!double.IsFinite(values[i]))
            {
                nonFinite++;
                if (listed.Count < options.MaxListedNonFinite)
                {
                    listed.Add(new NonFinitePoint(x[i], values[i].ToString(CultureInfo.InvariantCulture)));
                }
            }
        }

        return new ReportSeries { Name = name, SourcePoints = values.Length, NonFiniteCount = nonFinite, NonFinite = listed };
    }

    /// <summary>A count series with only its non-zero steps (most steps have no NaN/∞ at all).</summary>
    private static ReportSeries NonZero(string name, ReadOnlySpan<double> x, ReadOnlySpan<double> counts, ReportOptions options, long from)
    {
        var xs = new List<double>();
        var ys = new List<double>();
        for (int i = 0; i < counts.Length; i++)
        {
            if (counts[i] != 0)
            {
                xs.Add(x[i]);
                ys.Add(counts[i]);
            }
        }

        return Series(name, xs.ToArray(), ys.ToArray(), options, from) with { SourcePoints = counts.Length };
    }

    private static RunTimings Timings(RunSeriesData data)
    {
        RunInfo run = data.Run;
        DateTime? end = run.EndedUtc ?? run.HeartbeatUtc;
        double[] ms = data.Steps.Column(RunSeriesData.StepMillisecondsColumn).ToArray().Where(double.IsFinite).ToArray();
        Array.Sort(ms);
        return new RunTimings
        {
            DurationSeconds = end is { } e && e >= run.StartedUtc ? (e - run.StartedUtc).TotalSeconds : null,
            Steps = Math.Max(run.StepCount, data.Steps.Count),
            MeanStepMilliseconds = ms.Length == 0 ? null : ms.Average(),
            MedianStepMilliseconds = ms.Length == 0 ? null : ms.Length % 2 == 1 ? ms[ms.Length / 2] : (ms[(ms.Length / 2) - 1] + ms[ms.Length / 2]) / 2,
            Epochs = data.Epochs.Count,
        };
    }

    /// <summary>Epoch metrics placed at the last step of each epoch (epochs without steps are left out).</summary>
    private static IReadOnlyList<ReportSeries> EpochMetrics(RunSeriesData data)
    {
        var lastStepOfEpoch = new Dictionary<int, double>();
        ReadOnlySpan<double> steps = data.Steps.Steps;
        ReadOnlySpan<double> epochs = data.Steps.Column(RunSeriesData.EpochColumn);
        for (int i = 0; i < steps.Length; i++)
        {
            lastStepOfEpoch[(int)epochs[i]] = steps[i];
        }

        var placed = data.Epochs.Where(e => lastStepOfEpoch.ContainsKey(e.Epoch)).ToList();
        double[] x = placed.Select(e => lastStepOfEpoch[e.Epoch]).ToArray();
        var all = new ReportOptions { MaxPoints = ReportOptions.MaxPointsLimit };
        ReportSeries Metric(string name, Func<EpochRecord, double> value) => Series(name, x, placed.Select(value).ToArray(), all);
        return
        [
            Metric("train loss", e => e.TrainLoss),
            Metric("train accuracy", e => e.TrainAccuracy),
            Metric("validation loss", e => e.ValidationLoss),
            Metric("validation accuracy", e => e.ValidationAccuracy),
        ];
    }
}
