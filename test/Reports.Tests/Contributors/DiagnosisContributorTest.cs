using MLGradientInsight.ActivityClassifier.Actions;
using MLGradientInsight.ActivityClassifier.Diagnosis;
using MLGradientInsight.Reports.Contributors;
using MLGradientInsight.Reports.Model;
using MLGradientInsight.Transforms.Activity;
using MLGradientInsight.Transforms.Store;
using MLGradientInsight.Transforms.Tests.Store;

namespace MLGradientInsight.Reports.Tests.Contributors;

[TestClass]
public sealed class DiagnosisContributorTest
{
    [TestMethod]
    public void A_stored_run_gets_the_diagnosers_network_windows_alarm_and_diagnosis()
    {
        using var folder = new TempFolder();
        RunStore store = RunStore.Open(folder.File("runs.db"));

        // Quiet, then erratic activity with a rising loss: the classifier sees more than one shape.
        var random = new Random(3);
        string id = RunReportBuilderTest.WriteRun(store, 600, (step, layer) => step < 300 ? 1 + (0.01 * Math.Sin(step)) : 0.2 + (3 * random.NextDouble()));

        IReadOnlyList<ReportPanel> panels = [.. new DiagnosisContributor().Contribute(store, store.GetRun(id))];
        RunDiagnosis expected = new TraceDiagnoser().Diagnose(store.ReadActivity(id).Select(r => r with { Run = id }))[0];

        var windows = panels.OfType<StepWindowsPanel>().Single();
        var network = expected.Windows.Where(w => w.Layer == ActivityRecord.NetworkLayer).ToList();
        Assert.HasCount(network.Count, windows.Windows);
        CollectionAssert.AreEqual(network.Select(w => (w.StartStep, w.EndStep, w.Shape)).ToList(), windows.Windows.Select(w => (w.StartStep, w.EndStep, w.Label)).ToList());
        CollectionAssert.IsSubsetOf(windows.Windows.Select(w => w.Label).Distinct().ToList(), new[] { "uniform", "chaotic", "rising", "decaying" });

        var text = panels.OfType<TextPanel>().Single();
        StringAssert.StartsWith(text.Text, expected.Actions[0].Action);
        StringAssert.Contains(text.Text, expected.Actions[0].Evidence);
        foreach (LayerFinding finding in expected.Layers)
        {
            CollectionAssert.Contains(text.Evidence.ToList(), $"layer {finding.Layer}: {finding.Finding}");
        }

        Assert.AreEqual(expected.FirstAlarmStep is null ? 0 : 1, panels.OfType<StepMarkersPanel>().Count());
    }

    [TestMethod]
    public void The_panels_are_those_of_the_diagnosis_of_every_column_of_the_run()
    {
        // The contributor reads four columns of the rows; the diagnosis of the whole rows (as it read them before) must give
        // the same panels, to the last probability. Layers written in a varying order, one from step 40 on, NaN/∞ values.
        using var folder = new TempFolder();
        RunStore store = RunStore.Open(folder.File("runs.db"));
        var random = new Random(5);
        string id;
        using (RunWriter writer = store.StartRun("mixed"))
        {
            id = writer.RunId;
            for (long step = 1; step <= 900; step++)
            {
                string[] layers = step % 2 == 0 ? ["network", "fc2", "fc1", "conv"] : ["conv", "fc1", "network", "fc2"];
                foreach (string layer in layers.Where(l => l != "conv" || step >= 40))
                {
                    double activity = step % 97 == 0 ? double.NaN : step % 89 == 0 ? double.PositiveInfinity : (step < 450 ? 1 : 0.1) * (1 + random.NextDouble());
                    writer.WriteActivity(new ActivityRecord { Step = step, Epoch = 1, Layer = layer, Activity = activity, ExcludedFraction = random.NextDouble() * 0.2, Loss = 2.0 / step, LearningRate = step < 600 ? 0.1 : 0.5, GradientNorm = random.NextDouble() });
                }
            }

            writer.Complete();
        }

        IReadOnlyList<ReportPanel> panels = [.. new DiagnosisContributor().Contribute(store, store.GetRun(id))];
        RunDiagnosis expected = new TraceDiagnoser().Diagnose(store.ReadActivity(id))[0];

        Assert.IsGreaterThan(1, panels.Count);
        Assert.AreEqual(
            System.Text.Json.JsonSerializer.Serialize(DiagnosisContributor.Panels(expected), ReportJson.Options),
            System.Text.Json.JsonSerializer.Serialize(panels, ReportJson.Options));
    }

    [TestMethod]
    public void Panels_keep_network_windows_list_actions_above_the_threshold_and_mark_the_first_alarm()
    {
        var probabilities = new Dictionary<string, double> { ["uniform"] = 0.1, ["chaotic"] = 0.7, ["rising"] = 0.1, ["decaying"] = 0.1 };
        var diagnosis = new RunDiagnosis(
            "r1",
            120,
            [new RankedAction("lower_learning_rate", 0.8, "the loss rose"), new RankedAction("continue", 0.15, "fine"), new RankedAction("check_data", 0.01, "unlikely")],
            42,
            [new WindowShape("network", 1, 60, "chaotic", probabilities), new WindowShape("fc1", 1, 60, "uniform", probabilities), new WindowShape("network", 61, 120, "chaotic", probabilities)],
            [new LayerFinding("fc1", "quiet")]);

        IReadOnlyList<ReportPanel> panels = DiagnosisContributor.Panels(diagnosis);

        CollectionAssert.AreEqual(new[] { new StepWindow(1, 60, "chaotic", "p = 0.70"), new StepWindow(61, 120, "chaotic", "p = 0.70") }, panels.OfType<StepWindowsPanel>().Single().Windows.ToList());
        Assert.AreEqual(42, panels.OfType<StepMarkersPanel>().Single().Markers.Single().Step);
        TextPanel text = panels.OfType<TextPanel>().Single();
        Assert.AreEqual("lower_learning_rate (score 0.80): the loss rose", text.Text);
        CollectionAssert.AreEqual(new[] { "also continue (score 0.15): fine", "layer fc1: quiet", "first alarm at step 42" }, text.Evidence.ToList());
    }

    [TestMethod]
    public void A_run_without_activity_gets_no_panels()
    {
        using var folder = new TempFolder();
        RunStore store = RunStore.Open(folder.File("runs.db"));
        using RunWriter writer = store.StartRun("untracked");
        writer.WriteStep(1, 1, 0.5, 0.1, 1);
        writer.Complete();

        Assert.IsEmpty(new DiagnosisContributor().Contribute(store, store.GetRun(writer.RunId)).ToList());
    }
}
