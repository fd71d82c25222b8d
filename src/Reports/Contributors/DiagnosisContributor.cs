using System.Globalization;
using MLGradientInsight.ActivityClassifier.Actions;
using MLGradientInsight.ActivityClassifier.Diagnosis;
using MLGradientInsight.ActivityClassifier.Traces;
using MLGradientInsight.Reports.Model;
using MLGradientInsight.Transforms.Activity;
using MLGradientInsight.Transforms.Store;

namespace MLGradientInsight.Reports.Contributors;

/// <summary>
/// The activity classifier's view of a run (<see cref="TraceDiagnoser"/>, as <c>mlgi diagnose</c>): the shape of every
/// window of the network's activity shaded on the activity chart, the step of the advisor's first alarm marked on the step
/// charts, and the diagnosis (ranked actions with their evidence, per-layer findings) in the run summary.
/// </summary>
/// <remarks>Costs one read of the run's activity rows and one classifier pass over them; the dashboard repeats it only
/// while a run grows (see its cache), a report once.</remarks>
public sealed class DiagnosisContributor : IReportContributor
{
    /// <summary>Actions scored below this are left out of the evidence list (as <c>mlgi diagnose</c> leaves them out).</summary>
    public const double MinimumListedScore = 0.05;

    private readonly TraceDiagnoser _diagnoser;

    /// <summary>Creates a contributor with the shipped classifier models and the default advisor.</summary>
    public DiagnosisContributor()
        : this(new AdvisorOptions())
    {
    }

    /// <summary>Creates a contributor.</summary>
    /// <param name="options">The advisor options (models, rules or model advisor).</param>
    /// <exception cref="ArgumentNullException"><paramref name="options"/> is null.</exception>
    public DiagnosisContributor(AdvisorOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _diagnoser = new TraceDiagnoser(options);
    }

    /// <inheritdoc/>
    public IEnumerable<ReportPanel> Contribute(RunStore store, RunInfo run)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(run);
        IReadOnlyList<RunDiagnosis> diagnoses = _diagnoser.Diagnose(store.ReadActivity(run.Id, 1, RunTrace.Columns));
        return diagnoses.Count == 0 || diagnoses[0].Actions.Count == 0 ? [] : Panels(diagnoses[0]);
    }

    /// <summary>The panels of a diagnosis: network windows by shape, the first alarm, and the diagnosis text.</summary>
    /// <param name="diagnosis">The diagnosis.</param>
    /// <returns>The panels (windows only when the network has some, the alarm only when there was one).</returns>
    public static IReadOnlyList<ReportPanel> Panels(RunDiagnosis diagnosis)
    {
        ArgumentNullException.ThrowIfNull(diagnosis);
        var panels = new List<ReportPanel>();
        List<StepWindow> windows = diagnosis.Windows
            .Where(w => w.Layer == ActivityRecord.NetworkLayer)
            .Select(w => new StepWindow(w.StartStep, w.EndStep, w.Shape, $"p = {w.Probabilities[w.Shape].ToString("0.00", CultureInfo.InvariantCulture)}"))
            .ToList();
        if (windows.Count > 0)
        {
            panels.Add(new StepWindowsPanel
            {
                Title = "Activity shape per window (activity classifier, 000 §4)",
                Caption = $"{windows.Count} windows of the network's activity, each shaded by its most probable shape (windows overlap; a step shows the latest window that covers it)",
                Windows = windows,
            });
        }

        RankedAction top = diagnosis.Actions[0];
        if (diagnosis.FirstAlarmStep is long alarm)
        {
            panels.Add(new StepMarkersPanel
            {
                Title = "Advisor's first alarm",
                Caption = "the step at which the online advisor, fed the run step by step, first ranked something other than 'continue'",
                Markers = [new StepMarker(alarm, "first alarm", $"advisor's first alarm at step {alarm}; at the end it recommends {top.Action}")],
            });
        }

        var evidence = new List<string>();
        foreach (RankedAction a in diagnosis.Actions.Skip(1).Where(a => a.Score >= MinimumListedScore))
        {
            evidence.Add($"also {a.Action} ({Score(a.Score)}): {a.Evidence}");
        }

        evidence.AddRange(diagnosis.Layers.Select(l => $"layer {l.Layer}: {l.Finding}"));
        evidence.Add(diagnosis.FirstAlarmStep is long first ? $"first alarm at step {first.ToString("N0", CultureInfo.InvariantCulture)}" : "no alarm during the run");
        panels.Add(new TextPanel
        {
            Title = "Diagnosis",
            Caption = $"activity classifier and advisor over {diagnosis.Steps.ToString("N0", CultureInfo.InvariantCulture)} steps (as mlgi diagnose)",
            Text = $"{top.Action} ({Score(top.Score)}): {top.Evidence}",
            Evidence = evidence,
        });
        return panels;
    }

    private static string Score(double score) => "score " + score.ToString("0.00", CultureInfo.InvariantCulture);
}
