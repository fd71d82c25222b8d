using System.Globalization;
using MLGradientInsight.ActivityClassifier.Actions;
using MLGradientInsight.ActivityClassifier.Features;
using MLGradientInsight.ActivityClassifier.Shapes;
using MLGradientInsight.ActivityClassifier.Traces;
using MLGradientInsight.Transforms.Activity;

namespace MLGradientInsight.ActivityClassifier.Diagnosis;

/// <summary>
/// Diagnoses whole traces (a CSV, a stored run): per-window shapes of the network and every layer, the ranked actions
/// with evidence at the end of the trace, per-layer findings, and the first step at which the online advisor would
/// have raised an alarm.
/// </summary>
/// <example>
/// <code>
/// var diagnoser = new TraceDiagnoser();
/// foreach (RunDiagnosis d in diagnoser.Diagnose(TraceCsv.Read("trace.csv")))
///     Console.WriteLine($"{d.Run}: {d.Actions[0].Action} — {d.Actions[0].Evidence}");
/// </code>
/// </example>
public sealed class TraceDiagnoser
{
    private readonly AdvisorCore _core;

    /// <summary>Creates a diagnoser with the shipped models and the default advisor.</summary>
    public TraceDiagnoser()
        : this(new AdvisorOptions())
    {
    }

    /// <summary>Creates a diagnoser.</summary>
    /// <param name="options">The options.</param>
    /// <exception cref="ArgumentNullException"><paramref name="options"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range.</exception>
    public TraceDiagnoser(AdvisorOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _core = new AdvisorCore(options);
    }

    /// <summary>Diagnoses every run in the rows.</summary>
    /// <param name="records">Trace rows (any number of runs).</param>
    /// <returns>One diagnosis per run, in first-seen order.</returns>
    public IReadOnlyList<RunDiagnosis> Diagnose(IEnumerable<ActivityRecord> records) => [.. RunTrace.FromRecords(records).Select(Diagnose)];

    /// <summary>Diagnoses one run.</summary>
    /// <param name="trace">The run's trace.</param>
    /// <returns>The diagnosis.</returns>
    public RunDiagnosis Diagnose(RunTrace trace)
    {
        ArgumentNullException.ThrowIfNull(trace);
        (RunSnapshot? snapshot, IReadOnlyList<RankedAction> actions) = _core.Evaluate(trace);
        var windows = new List<WindowShape>();
        foreach (TraceWindow w in TraceWindower.Windows(trace))
        {
            float[] p = _core.Shapes.Predict(w);
            int top = Array.IndexOf(p, p.Max());
            windows.Add(new WindowShape(w.Layer, w.StartStep, w.EndStep, ShapeNames.All[top],
                ShapeNames.All.Select((name, i) => (name, i)).ToDictionary(x => x.name, x => Math.Round((double)p[x.i], 4))));
        }

        IReadOnlyList<LayerFinding> layers = snapshot is null ? [] : [.. snapshot.Layers.Select(Finding)];
        return new RunDiagnosis(trace.Run, trace.Count, actions, _core.FirstAlarm(trace), windows, layers);
    }

    private static LayerFinding Finding(RunSnapshot.SeriesState layer)
    {
        string span = $"steps {layer.Window.StartStep}–{layer.Window.EndStep}";
        double relative = Math.Exp(layer["self_vs_layers"]);
        var parts = new List<string>
        {
            $"{ShapeNames.Of(layer.TopShape)} in {span} (p = {layer.Shape.Max().ToString("0.00", CultureInfo.InvariantCulture)})",
            $"activity level {Math.Exp(layer["level"]).ToString("0.###", CultureInfo.InvariantCulture)}",
        };
        if (relative < 0.2)
        {
            parts.Add($"{(1 / relative).ToString("0.#", CultureInfo.InvariantCulture)}× less active than the median layer — it learns far less than the others (000 Fig. 5–8)");
        }

        if (layer["pinned_fraction"] > 0.5)
        {
            parts.Add($"pinned at 1.0 in {(100 * layer["pinned_fraction"]).ToString("0", CultureInfo.InvariantCulture)}% of steps — its gradients stopped changing");
        }

        if (layer["non_finite_fraction"] > 0)
        {
            parts.Add($"NaN/∞ activity in {(100 * layer["non_finite_fraction"]).ToString("0", CultureInfo.InvariantCulture)}% of steps");
        }

        return new LayerFinding(layer.Window.Layer, string.Join("; ", parts));
    }
}
