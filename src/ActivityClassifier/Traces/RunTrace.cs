using MLGradientInsight.Transforms.Activity;

namespace MLGradientInsight.ActivityClassifier.Traces;

/// <summary>
/// One run's activity trace as aligned columns: one entry per recorded step, in step order. Built from
/// <see cref="ActivityRecord"/> rows (a trace CSV, the run store, a live tracker) by <see cref="FromRecords"/>.
/// </summary>
/// <remarks>
/// Only <c>step</c>, <c>layer</c>, <c>activity</c> and <c>loss</c> are needed; learning rate, excluded fraction and the
/// layers' gradient, weight and update norms are used when present (NaN otherwise). Missing steps (gaps) are simply absent; a step recorded twice (a restarted run
/// that re-used step numbers) keeps the later row; NaN and ±∞ are kept as they are and counted by the features.
/// When a trace has no <c>network</c> rows, the network activity of a step is the mean of its finite layer activities.
/// </remarks>
public sealed class RunTrace
{
    internal RunTrace(string run, IReadOnlyList<long> steps, IReadOnlyList<double> activity, IReadOnlyList<double> loss, IReadOnlyList<double> learningRate, IReadOnlyList<double> excludedFraction, IReadOnlyList<LayerTrace> layers, int replacedRows)
    {
        Run = run;
        Steps = steps;
        Activity = activity;
        Loss = loss;
        LearningRate = learningRate;
        ExcludedFraction = excludedFraction;
        Layers = layers;
        ReplacedRows = replacedRows;
    }

    /// <summary>Gets the run name (empty for a trace without a <c>run</c> column).</summary>
    public string Run { get; }

    /// <summary>Gets the recorded steps, increasing.</summary>
    public IReadOnlyList<long> Steps { get; }

    /// <summary>Gets the network activity per step.</summary>
    public IReadOnlyList<double> Activity { get; }

    /// <summary>Gets the batch loss per step (NaN where missing).</summary>
    public IReadOnlyList<double> Loss { get; }

    /// <summary>Gets the learning rate per step (NaN where missing).</summary>
    public IReadOnlyList<double> LearningRate { get; }

    /// <summary>Gets the network's excluded fraction per step (NaN where missing).</summary>
    public IReadOnlyList<double> ExcludedFraction { get; }

    /// <summary>Gets the per-layer traces, in first-seen order.</summary>
    public IReadOnlyList<LayerTrace> Layers { get; }

    /// <summary>Gets the number of rows that repeated an earlier (step, layer) and replaced it (restarts).</summary>
    public int ReplacedRows { get; }

    /// <summary>Gets the number of recorded steps.</summary>
    public int Count => Steps.Count;

    /// <summary>
    /// Gets the <see cref="ActivityColumns"/> a trace is made of (besides step, layer and run, which every row has): activity,
    /// excluded fraction, loss, learning rate and the layers' gradient, weight and update norms. A store reader that fills
    /// only these columns (<c>RunStore.ReadActivity(run, fromStep, columns)</c>) gives <see cref="FromRecords"/> the same trace
    /// as one that reads every column.
    /// </summary>
    public static IReadOnlyList<int> Columns { get; } =
    [
        ActivityColumns.Activity, ActivityColumns.ExcludedFraction, ActivityColumns.Loss, ActivityColumns.LearningRate,
        ActivityColumns.GradientNorm, ActivityColumns.WeightNorm, ActivityColumns.UpdateNorm,
    ];

    /// <summary>Groups rows into one trace per run (in first-seen order).</summary>
    /// <param name="records">The rows, any order.</param>
    /// <returns>The traces; runs without any row are absent.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="records"/> is null.</exception>
    public static IReadOnlyList<RunTrace> FromRecords(IEnumerable<ActivityRecord> records)
    {
        ArgumentNullException.ThrowIfNull(records);
        var builders = new Dictionary<string, RunTraceBuilder>(StringComparer.Ordinal);
        var order = new List<RunTraceBuilder>();
        foreach (ActivityRecord r in records)
        {
            if (!builders.TryGetValue(r.Run, out RunTraceBuilder? b))
            {
                b = new RunTraceBuilder(r.Run);
                builders.Add(r.Run, b);
                order.Add(b);
            }

            b.Add(r);
        }

        return [.. order.Select(b => b.Build())];
    }

    /// <summary>The first <paramref name="count"/> steps of this trace (what an online advisor had seen then).</summary>
    /// <param name="count">The number of steps, 1 … <see cref="Count"/>.</param>
    /// <returns>The prefix (this trace itself when <paramref name="count"/> = <see cref="Count"/>).</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="count"/> is outside 1 … <see cref="Count"/>.</exception>
    public RunTrace Prefix(int count)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(count, Count);
        if (count == Count)
        {
            return this;
        }

        return new RunTrace(Run, Take(Steps, count), Take(Activity, count), Take(Loss, count), Take(LearningRate, count), Take(ExcludedFraction, count),
            [.. Layers.Select(l => new LayerTrace(l.Name, Take(l.Activity, count), Take(l.ExcludedFraction, count),
                Take(l.GradientNorm, count), Take(l.WeightNorm, count), Take(l.UpdateNorm, count)))], ReplacedRows);
    }

    /// <summary>Gets whether any layer has a finite gradient, weight or update norm.</summary>
    public bool HasNorms => Layers.Any(l => l.HasNorms);

    /// <summary>This trace with only step, layer, activity and loss (learning rate, excluded fraction and the norms set to NaN).</summary>
    /// <returns>The reduced trace.</returns>
    public RunTrace WithoutOptionalColumns()
    {
        double[] none = NaNs();
        return new RunTrace(Run, [.. Steps], [.. Activity], [.. Loss], none, none,
            [.. Layers.Select(l => l with { ExcludedFraction = none, GradientNorm = none, WeightNorm = none, UpdateNorm = none })], ReplacedRows);
    }

    /// <summary>This trace without the learning-rate and excluded-fraction columns (set to NaN); the norms are kept.</summary>
    internal RunTrace WithoutLearningRateAndExclusion()
    {
        double[] none = NaNs();
        return new RunTrace(Run, Steps, Activity, Loss, none, none, [.. Layers.Select(l => l with { ExcludedFraction = none })], ReplacedRows);
    }

    /// <summary>This trace without the layers' gradient, weight and update norms (set to NaN); the other columns are kept.</summary>
    /// <returns>The reduced trace (this trace when it has no norms).</returns>
    public RunTrace WithoutNorms()
    {
        if (!HasNorms)
        {
            return this;
        }

        double[] none = NaNs();
        return new RunTrace(Run, Steps, Activity, Loss, LearningRate, ExcludedFraction,
            [.. Layers.Select(l => l with { GradientNorm = none, WeightNorm = none, UpdateNorm = none })], ReplacedRows);
    }

    private double[] NaNs()
    {
        double[] none = new double[Count];
        Array.Fill(none, double.NaN);
        return none;
    }

    private static T[] Take<T>(IReadOnlyList<T> values, int count) => values is T[] a ? a[..count] : [.. values.Take(count)];
}
