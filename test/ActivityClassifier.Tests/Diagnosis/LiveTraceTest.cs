using MLGradientInsight.ActivityClassifier.Actions;
using MLGradientInsight.ActivityClassifier.Diagnosis;
using MLGradientInsight.ActivityClassifier.Shapes;
using MLGradientInsight.ActivityClassifier.Traces;
using MLGradientInsight.ActivityClassifier.Training;
using MLGradientInsight.Transforms.Activity;

namespace MLGradientInsight.ActivityClassifier.Tests.Diagnosis;

/// <summary>
/// The live advisor's bounded history against the reference: the whole trace so far rebuilt at every evaluation
/// (<see cref="RunTraceBuilder"/> → <see cref="RunSnapshot.Create"/>, what <see cref="TrainingAdvisor"/> did before).
/// </summary>
[TestClass]
public sealed class LiveTraceTest
{
    private static readonly ShapeModel s_shapes = ShapeModel.LoadDefault();

    public static IEnumerable<object[]> CorpusRuns() =>
        [.. new[] { "lr-growing", "healthy", "lr-too-high", "dying-relu", "lr-collapse" }.Select(c => new object[] { c })];

    [TestMethod]
    [DynamicData(nameof(CorpusRuns))]
    public void CorpusRun_EverySnapshot_EqualsTheWholeTraceReference(string condition)
    {
        CorpusRunInfo? info = TestData.Corpus.Runs.Where(r => r.Condition == condition && TestData.Corpus.Traces.ContainsKey(r.Run)).OrderByDescending(r => TestData.Corpus.Traces[r.Run].Count).FirstOrDefault();
        if (info is null)
        {
            Assert.Inconclusive($"the corpus has no run of condition {condition}");
        }

        AssertSnapshotsEqual(TestData.Records(TestData.Corpus.Traces[info.Run]), every: 53);
    }

    /// <summary>1,500 steps with NaN/∞, a gap, a layer that starts late, steps without a network row and a NaN warm-up.</summary>
    internal static List<ActivityRecord> CorruptRecords()
    {
        List<ActivityRecord> records = TestData.Trace("bad", steps: 1500, layers: 3, trend: -1, noise: 0.3, lossTrend: -0.5, seed: 2, firstStep: 0);
        // Layer norms, some missing or non-finite (the norm features must match too).
        records = [.. records.Select((r, i) => r.Layer == ActivityRecord.NetworkLayer ? r : r with
        {
            GradientNorm = i % 29 == 0 ? double.PositiveInfinity : 1 + (i % 7),
            WeightNorm = i % 31 == 0 ? double.NaN : 10 + (r.Step / 100.0),
            UpdateNorm = 0.001 * (1 + (i % 5)),
        })];
        records.RemoveAll(r => r.Step is > 100 and < 160);
        records.RemoveAll(r => r.Layer == "fc3" && r.Step < 400);
        records.RemoveAll(r => r.Layer == ActivityRecord.NetworkLayer && r.Step % 5 == 0);
        for (int i = 0; i < records.Count; i += 37)
        {
            records[i] = records[i] with { Activity = i % 2 == 0 ? double.NaN : double.PositiveInfinity, Loss = double.NegativeInfinity };
        }

        for (int i = 0; i < 40; i++)
        {
            records[i] = records[i] with { Activity = double.NaN };
        }

        return records;
    }

    [TestMethod]
    public void CorruptTrace_NaNInfGapsLateLayerNoNetworkRowsAndOutOfOrderRows_EqualsTheReference()
    {
        List<ActivityRecord> records = CorruptRecords();

        // A few rows arrive late (after later steps): merged into their step as the trace builder does.
        for (int i = 500; i < records.Count - 50; i += 211)
        {
            ActivityRecord late = records[i];
            records.RemoveAt(i);
            records.Insert(i + 40, late);
        }

        AssertSnapshotsEqual(records, every: 19);
    }

    [TestMethod]
    public void LongTrace_SubsampledWholeRunAndLongestWindows_EqualTheReference()
    {
        // 9,000 steps: windows at their 1,000-step maximum, the whole-run window read with stride 5.
        List<ActivityRecord> records = TestData.Trace("long", steps: 9000, layers: 2, trend: 1, noise: 0.4, lossTrend: -1, seed: 3);
        for (int i = 5; i < records.Count; i += 101)
        {
            records[i] = records[i] with { Activity = double.NaN };
        }

        AssertSnapshotsEqual(records, every: 1499);
    }

    [TestMethod]
    public void FirstWindowRowsChangedAfterASnapshot_StartLevelsFollowTheChange()
    {
        // The start levels (medians of the first window) are kept between evaluations; a row of the first window that
        // changes later (a late row, a replaced value, a layer seen for the first time) must drop them.
        List<ActivityRecord> records = TestData.Trace("late", steps: 3000, layers: 2, trend: 1, noise: 0.3, lossTrend: -1, seed: 7);
        var live = new LiveTrace("late");
        var builder = new RunTraceBuilder("late");
        void Add(ActivityRecord r)
        {
            live.Add(r, r.Step);
            builder.Add(r);
        }

        void Compare(string where)
        {
            RunSnapshot expected = RunSnapshot.Create(builder.Build(), s_shapes)!;
            RunSnapshot actual = live.Snapshot(s_shapes)!;
            AssertSeriesEqual(expected.Network, actual.Network, where + ", network");
            AssertSeriesEqual(expected.Whole, actual.Whole, where + ", whole run");
            Assert.HasCount(expected.Layers.Length, actual.Layers, where);
            for (int l = 0; l < expected.Layers.Length; l++)
            {
                AssertSeriesEqual(expected.Layers[l], actual.Layers[l], $"{where}, layer {l}");
            }
        }

        foreach (ActivityRecord r in records)
        {
            Add(r);
        }

        Compare("whole trace");
        long early = records[200].Step;
        Add(records.First(r => r.Step == early && r.Layer == ActivityRecord.NetworkLayer) with { Activity = 1e6, Loss = 1e6 });
        Compare("a network row of the first window replaced");
        Add(records.First(r => r.Step == early + 1 && r.Layer != ActivityRecord.NetworkLayer) with { Activity = -5 });
        Compare("a layer row of the first window replaced");
        Add(new ActivityRecord { Run = "late", Step = early, Layer = "fc9", Activity = 0.5, Loss = 2 });
        Compare("a new layer in the first window");
        Add(new ActivityRecord { Run = "late", Step = records[0].Step - 5, Layer = ActivityRecord.NetworkLayer, Activity = 3, Loss = 9 });
        Compare("an earlier step inserted before the first");
    }

    [TestMethod]
    [DataRow(AdvisorKind.Model)]
    [DataRow(AdvisorKind.Rules)]
    public void TrainingAdvisor_GivesTheReferenceAdviceSequenceAndFirstAlarm(AdvisorKind kind)
    {
        var options = new AdvisorOptions { Kind = kind };
        foreach (string condition in new[] { "lr-growing", "lr-too-high", "healthy" })
        {
            CorpusRunInfo info = TestData.Corpus.Runs.First(r => r.Effective && r.Condition == condition);
            List<ActivityRecord> records = TestData.Records(TestData.Corpus.Traces[info.Run]);
            var advisor = new TrainingAdvisor(options);
            var advice = new List<(long, string)>();
            advisor.AdviceChanged += (_, e) => advice.Add((e.Step, string.Join(",", e.Actions.Select(a => $"{a.Action}:{a.Score:R}:{a.Evidence}"))));
            foreach (IGrouping<long, ActivityRecord> step in records.GroupBy(r => r.Step))
            {
                advisor.Write(step.ToArray(), []);
            }

            (List<(long, string)> expected, long? firstAlarm) = ReferenceAdvisor(records, options);
            CollectionAssert.AreEqual(expected, advice, condition);
            Assert.AreEqual(firstAlarm, advisor.FirstAlarmStep, condition);
            Assert.AreEqual(firstAlarm, new TraceDiagnoser(options).Diagnose(records).Single().FirstAlarmStep, condition + ": the diagnoser's online replay");
        }
    }

    /// <summary>The previous live advisor: the whole trace rebuilt and windowed at every evaluation.</summary>
    private static (List<(long, string)> Advice, long? FirstAlarm) ReferenceAdvisor(List<ActivityRecord> records, AdvisorOptions options)
    {
        var core = new AdvisorCore(options);
        var confirm = new AlarmConfirmation(options.ConfirmEvaluations);
        var builder = new RunTraceBuilder("");
        var advice = new List<(long, string)>();
        long? firstAlarm = null;
        long next = long.MinValue;
        string? top = null;
        foreach (IGrouping<long, ActivityRecord> step in records.GroupBy(r => r.Step))
        {
            foreach (ActivityRecord r in step)
            {
                builder.Add(r);
            }

            next = next == long.MinValue ? step.Key : next;
            if (step.Key < next)
            {
                continue;
            }

            next = step.Key + options.IntervalAt(step.Key);
            (_, IReadOnlyList<RankedAction> actions) = core.Evaluate(builder.Build());
            if (confirm.Alarm(actions[0].Action))
            {
                firstAlarm ??= step.Key;
            }

            if (actions[0].Action != top)
            {
                top = actions[0].Action;
                advice.Add((step.Key, string.Join(",", actions.Select(a => $"{a.Action}:{a.Score:R}:{a.Evidence}"))));
            }
        }

        return (advice, firstAlarm);
    }

    private static void AssertSnapshotsEqual(List<ActivityRecord> records, int every)
    {
        var live = new LiveTrace(records[0].Run);
        var builder = new RunTraceBuilder(records[0].Run);
        int compared = 0;
        for (int i = 0; i < records.Count; i++)
        {
            live.Add(records[i], records[i].Step);
            builder.Add(records[i]);
            if (i % every != 0 && i != records.Count - 1)
            {
                continue;
            }

            RunSnapshot? expected = RunSnapshot.Create(builder.Build(), s_shapes);
            RunSnapshot? actual = live.Snapshot(s_shapes);
            Assert.AreEqual(expected is null, actual is null, $"row {i}");
            if (expected is null || actual is null)
            {
                continue;
            }

            AssertSeriesEqual(expected.Network, actual.Network, $"row {i}, network");
            AssertSeriesEqual(expected.Whole, actual.Whole, $"row {i}, whole run");
            Assert.HasCount(expected.Layers.Length, actual.Layers);
            for (int l = 0; l < expected.Layers.Length; l++)
            {
                AssertSeriesEqual(expected.Layers[l], actual.Layers[l], $"row {i}, layer {l}");
            }

            CollectionAssert.AreEqual(expected.ActionFeatures, actual.ActionFeatures, $"row {i}, action features");
            compared++;
        }

        Assert.IsGreaterThan(10, compared);
    }

    private static void AssertSeriesEqual(RunSnapshot.SeriesState expected, RunSnapshot.SeriesState actual, string where)
    {
        Assert.AreEqual(expected.Window.Layer, actual.Window.Layer, where);
        Assert.AreEqual(expected.Window.StartStep, actual.Window.StartStep, where);
        Assert.AreEqual(expected.Window.EndStep, actual.Window.EndStep, where);
        CollectionAssert.AreEqual(expected.Window.Activity, actual.Window.Activity, where + ": activity");
        CollectionAssert.AreEqual(expected.Window.LayerLevels, actual.Window.LayerLevels, where + ": layer levels");
        Assert.AreEqual(expected.Window.StartActivityLevel, actual.Window.StartActivityLevel, where);
        Assert.AreEqual(expected.Window.StartLossLevel, actual.Window.StartLossLevel, where);
        CollectionAssert.AreEqual(expected.Window.GradientNorm, actual.Window.GradientNorm, where + ": gradient norms");
        CollectionAssert.AreEqual(expected.Window.WeightNorm, actual.Window.WeightNorm, where + ": weight norms");
        CollectionAssert.AreEqual(expected.Window.UpdateNorm, actual.Window.UpdateNorm, where + ": update norms");
        Assert.AreEqual(expected.Window.StartGradientNorm, actual.Window.StartGradientNorm, where);
        Assert.AreEqual(expected.Window.StartWeightNorm, actual.Window.StartWeightNorm, where);
        Assert.AreEqual(expected.Window.StartUpdateRatio, actual.Window.StartUpdateRatio, where);
        CollectionAssert.AreEqual(expected.Features, actual.Features, where + ": features");
        CollectionAssert.AreEqual(expected.Shape, actual.Shape, where + ": shape probabilities");
    }
}
