using MLGradientInsight.ActivityClassifier.Actions;
using MLGradientInsight.ActivityClassifier.Features;
using MLGradientInsight.ActivityClassifier.Training;

namespace MLGradientInsight.ActivityClassifier.Tests.Actions;

[TestClass]
public sealed class ActionFeaturesTest
{
    [TestMethod]
    public void Names_MatchTheVectorLength()
    {
        Assert.AreEqual(ActionFeatureVector.Length, ActionFeatureVector.Names.Count);
        Assert.AreEqual(RunHistoryFeatures.Count, RunHistoryFeatures.Names.Count);
        Assert.AreEqual(ActionFeatureVector.Names.Count, ActionFeatureVector.Names.Distinct().Count());
    }

    [TestMethod]
    public void History_SeesAHugeStartThatFallsAndStalls()
    {
        // Loss 50 in the first eighth (with one spike to 500), then 1.0 for the rest; activity 0.2 then 0.8.
        float[] loss = [.. Enumerable.Range(0, 800).Select(t => t == 10 ? 500f : t < 100 ? 50f : 1f)];
        float[] activity = [.. Enumerable.Range(0, 800).Select(t => t < 100 ? 0.2f : 0.8f)];
        float[] f = History(new TraceWindow { StartStep = 1, EndStep = 800, Loss = loss, Activity = activity, StartLossLevel = 50, StartActivityLevel = 0.2f, IsNetwork = true });
        Assert.AreEqual(Math.Log(50), f[Index("hist.start_loss_log")], 1e-5);
        Assert.AreEqual(Math.Log(1 / 50.0), f[Index("hist.loss_early_drop")], 1e-5, "second eighth vs first");
        Assert.AreEqual(0, f[Index("hist.loss_late_drop")], 1e-5, "no progress in the second half");
        Assert.AreEqual(Math.Log(1 / 50.0), f[Index("hist.loss_best_vs_start")], 1e-5);
        Assert.AreEqual(0, f[Index("hist.loss_last_vs_best")], 1e-5);
        Assert.AreEqual(Math.Log(10), f[Index("hist.loss_early_max_vs_start")], 1e-5, "the spike in the first eighth");
        Assert.AreEqual(1 / 7.0, f[Index("hist.loss_falling_blocks")], 1e-5);
        Assert.AreEqual(Math.Log(4), f[Index("hist.activity_early_change")], 1e-5);
    }

    [TestMethod]
    public void History_IsZeroAndFiniteWithoutLossOrWithNonFiniteValues()
    {
        float[] activity = [.. Enumerable.Range(0, 64).Select(t => t % 5 == 0 ? float.NaN : 0.5f)];
        float[] f = History(new TraceWindow { StartStep = 1, EndStep = 64, Activity = activity, Loss = [.. Enumerable.Repeat(float.PositiveInfinity, 64)] });
        Assert.IsTrue(f.All(float.IsFinite));
        Assert.AreEqual(0, f[Index("hist.loss_early_drop")]);
        Assert.AreEqual(0, f[Index("hist.start_loss_log")]);
    }

    [TestMethod]
    public void Decide_KeepsContinueUnlessSureAndNotFalling()
    {
        // TrainingAction order: continue, lower, raise, architecture, initialization, data.
        float[] lower = [0.1f, 0.8f, 0.05f, 0.02f, 0.02f, 0.01f];
        Assert.AreEqual("lower-learning-rate", AlarmCalibration.Decide(lower, lossIsFalling: false, threshold: 0.7));
        Assert.AreEqual("continue", AlarmCalibration.Decide(lower, lossIsFalling: false, threshold: 0.85));
        Assert.AreEqual("continue", AlarmCalibration.Decide(lower, lossIsFalling: true, threshold: 0.5));
        Assert.AreEqual("continue", AlarmCalibration.Decide([0.6f, 0.3f, 0.1f, 0, 0, 0], lossIsFalling: false, threshold: 0.0));
        Assert.IsTrue(AlarmCalibration.Grid.All(t => t is > 0 and < 1));
    }

    private static int Index(string name) => ActionFeatureVector.Names.ToList().IndexOf(name) - (ActionFeatureVector.Length - RunHistoryFeatures.Count);

    private static float[] History(TraceWindow whole)
    {
        float[] f = new float[RunHistoryFeatures.Count];
        RunHistoryFeatures.Compute(whole, f);
        return f;
    }
}
