using MLGradientInsight.ActivityClassifier.Diagnosis;
using MLGradientInsight.ActivityClassifier.Features;
using MLGradientInsight.ActivityClassifier.Shapes;
using MLGradientInsight.ActivityClassifier.Traces;
using MLGradientInsight.ActivityClassifier.Training;
using MLGradientInsight.Transforms.Activity;

namespace MLGradientInsight.ActivityClassifier.Tests.Diagnosis;

[TestClass]
public sealed class TraceDiagnoserTest
{
    [TestMethod]
    [DataRow(AdvisorKind.Model)]
    [DataRow(AdvisorKind.Rules)]
    public void CorruptTrace_WithNaNInfGapsAndRestart_IsDiagnosedWithFiniteResults(AdvisorKind kind)
    {
        List<ActivityRecord> records = TestData.Trace("bad", steps: 400, layers: 3, trend: 0, noise: 0.3, lossTrend: -0.5, seed: 2);
        records.RemoveAll(r => r.Step is > 100 and < 160);
        for (int i = 0; i < records.Count; i += 37)
        {
            records[i] = records[i] with { Activity = i % 2 == 0 ? double.NaN : double.PositiveInfinity, Loss = double.NegativeInfinity };
        }

        RunDiagnosis d = new TraceDiagnoser(new AdvisorOptions { Kind = kind }).Diagnose(records).Single();
        Assert.AreEqual("bad", d.Run);
        Assert.IsNotEmpty(d.Actions);
        Assert.IsTrue(d.Actions.All(a => double.IsFinite(a.Score) && a.Evidence.Length > 0));
        Assert.IsTrue(d.Windows.All(w => w.Probabilities.Values.All(double.IsFinite)));
        Assert.HasCount(3, d.Layers);
        CollectionAssert.AreEquivalent(new[] { "network", "fc1", "fc2", "fc3" }, d.Windows.Select(w => w.Layer).Distinct().ToArray());
    }

    [TestMethod]
    public void OnlyStepLayerActivityLoss_IsEnough()
    {
        List<ActivityRecord> records = TestData.Trace("plain", steps: 300, layers: 2, trend: 0, noise: 0.1, lossTrend: -2, seed: 4);
        RunDiagnosis d = new TraceDiagnoser().Diagnose(records).Single();
        Assert.AreEqual(300, d.Steps);
        Assert.IsNotEmpty(d.Windows);
    }

    [TestMethod]
    public void TooShortTrace_SaysContinueAndWhy()
    {
        RunDiagnosis d = new TraceDiagnoser().Diagnose(TestData.Trace("short", steps: 20, layers: 1, trend: 0, noise: 0.1, lossTrend: 0, seed: 1)).Single();
        Assert.AreEqual("continue", d.Actions[0].Action);
        StringAssert.Contains(d.Actions[0].Evidence, "waits");
        Assert.IsNull(d.FirstAlarmStep);
    }

    [TestMethod]
    [DataRow(AdvisorKind.Model)]
    [DataRow(AdvisorKind.Rules)]
    public void LiveAdvisor_FedStepByStep_AlarmsWhereTheReplayDoes(AdvisorKind kind)
    {
        var options = new AdvisorOptions { Kind = kind };
        CorpusRunInfo info = TestData.Corpus.Runs.First(r => r.Effective && r.Condition == "lr-growing" && r.Workload == "fmnist-mlp");
        RunTrace trace = TestData.Corpus.Traces[info.Run];
        List<ActivityRecord> records = TestData.Records(trace);
        RunDiagnosis offline = new TraceDiagnoser(options).Diagnose(records).Single();

        var advisor = new TrainingAdvisor(options);
        var advice = new List<AdviceChangedEventArgs>();
        var shapes = new List<ShapeChangedEventArgs>();
        advisor.AdviceChanged += (_, e) => advice.Add(e);
        advisor.ShapeChanged += (_, e) => shapes.Add(e);
        foreach (IGrouping<long, ActivityRecord> step in records.GroupBy(r => r.Step))
        {
            advisor.Write(step.ToArray(), []);
        }

        Assert.AreEqual(offline.FirstAlarmStep, advisor.FirstAlarmStep);
        Assert.IsNotEmpty(advice);
        Assert.AreEqual("continue", advice[0].Top.Action, "the advisor waits for enough steps before it alarms");
        Assert.IsNotEmpty(shapes);
        Assert.IsTrue(ShapeNames.All.Contains(shapes[^1].Window.Shape));
    }

    [TestMethod]
    public void Restart_ThatCountsStepsAgain_ContinuesTheStepAxis()
    {
        var advisor = new TrainingAdvisor(new AdvisorOptions { Kind = AdvisorKind.Rules });
        foreach (ActivityRecord r in TestData.Trace("a", steps: 100, layers: 1, trend: 0, noise: 0.1, lossTrend: -1, seed: 1))
        {
            advisor.Add(r);
        }

        foreach (ActivityRecord r in TestData.Trace("a", steps: 100, layers: 1, trend: 0, noise: 0.1, lossTrend: -1, seed: 2))
        {
            advisor.Add(r);
        }

        advisor.EvaluateNow();
        Assert.IsNotNull(advisor.CurrentShape);
        Assert.AreEqual(211, advisor.CurrentShape.EndStep, "100 steps from 12, then 100 more after the restart");
    }

    public static IEnumerable<object[]> WindowTraces() =>
    [
        ["corpus lr-growing"],
        ["corrupt"],
        ["long"],
        ["no network rows"],
    ];

    [TestMethod]
    [DynamicData(nameof(WindowTraces))]
    public void Windows_LayerLevels_AreTheMediansOfTheirOwnRows(string name)
    {
        // The windower takes each range's layer levels once and shares them among the range's windows: every window's
        // levels must still be the median of each layer over exactly that window's rows.
        RunTrace trace = RunTrace.FromRecords(WindowTrace(name)).Single();
        List<TraceWindow> windows = [.. TraceWindower.Windows(trace)];
        Assert.IsGreaterThan(10, windows.Count, name);
        foreach (TraceWindow w in windows)
        {
            int[] rows = [.. Enumerable.Range(0, trace.Count).Where(i => trace.Steps[i] >= w.StartStep && trace.Steps[i] <= w.EndStep)];
            float[] expected = [.. trace.Layers.Select(l => (float)RobustStatistics.FiniteMedian(rows.Select(i => (float)l.Activity[i]).ToArray()))];
            CollectionAssert.AreEqual(expected, w.LayerLevels, $"{name}, {w.Layer} {w.StartStep}–{w.EndStep}");
        }
    }

    [TestMethod]
    public void Diagnosis_WindowsShapesAndActions_AreThoseOfTheWindowersWindows()
    {
        List<ActivityRecord> records = WindowTrace("corrupt");
        RunTrace trace = RunTrace.FromRecords(records).Single();
        RunDiagnosis d = new TraceDiagnoser().Diagnose(records).Single();
        ShapeModel shapes = ShapeModel.LoadDefault();

        var expected = TraceWindower.Windows(trace).Select(w => (w.Layer, w.StartStep, w.EndStep, P: shapes.Predict(w))).ToList();
        Assert.HasCount(expected.Count, d.Windows);
        for (int i = 0; i < expected.Count; i++)
        {
            (string layer, long start, long end, float[] p) = expected[i];
            WindowShape w = d.Windows[i];
            Assert.AreEqual((layer, start, end), (w.Layer, w.StartStep, w.EndStep), $"window {i}");
            Assert.AreEqual(ShapeNames.All[Array.IndexOf(p, p.Max())], w.Shape, $"window {i}");
            CollectionAssert.AreEqual(ShapeNames.All.Select((n, k) => Math.Round((double)p[k], 4)).ToArray(), ShapeNames.All.Select(n => w.Probabilities[n]).ToArray(), $"window {i}");
        }
    }

    /// <summary>Traces whose windows the diagnoser must cut exactly as <see cref="TraceWindower"/> does.</summary>
    private static List<ActivityRecord> WindowTrace(string name) => name switch
    {
        "corpus lr-growing" => TestData.Records(TestData.Corpus.Traces[TestData.Corpus.Runs.First(r => r.Effective && r.Condition == "lr-growing").Run]),

        // 9,000 steps: windows of the 1,000-step maximum.
        "long" => TestData.Trace("long", steps: 9000, layers: 3, trend: 1, noise: 0.4, lossTrend: -1, seed: 3),
        "no network rows" => [.. TestData.Trace("derived", steps: 700, layers: 3, trend: -1, noise: 0.2, lossTrend: -1, seed: 5).Where(r => r.Layer != ActivityRecord.NetworkLayer)],
        _ => LiveTraceTest.CorruptRecords(),
    };
}
