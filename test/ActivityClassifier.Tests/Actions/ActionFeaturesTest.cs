using MLGradientInsight.ActivityClassifier.Actions;
using MLGradientInsight.ActivityClassifier.Features;
using MLGradientInsight.ActivityClassifier.Shapes;
using MLGradientInsight.ActivityClassifier.Traces;
using MLGradientInsight.ActivityClassifier.Training;
using MLGradientInsight.Transforms.Activity;

namespace MLGradientInsight.ActivityClassifier.Tests.Actions;

[TestClass]
public sealed class ActionFeaturesTest
{
    [TestMethod]
    public void Names_MatchTheVectorLength()
    {
        Assert.AreEqual(ActionFeatureVector.Length, ActionFeatureVector.Names.Count);
        Assert.AreEqual(RunHistoryFeatures.Count, RunHistoryFeatures.Names.Count);
        Assert.AreEqual(NormFeatures.Count, NormFeatures.Names.Count);
        CollectionAssert.AreEqual(NormFeatures.Names.ToArray(), ActionFeatureVector.Names.Skip(ActionFeatureVector.NormOffset).ToArray(), "the norm block is the vector's tail");
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

    [TestMethod]
    public void Norms_ReadTheUpdateRatioWeightGrowthGradientsAndFirstLayer()
    {
        // 600 steps, 3 layers. Weights ×10 after step 300; update/weight 10⁻³ in fc1 and fc2, 10⁻⁵ in fc3;
        // gradient norm 100 in fc1, 1 in fc2 and fc3, with one 50× spike in fc2 near the end.
        var records = new List<ActivityRecord>();
        foreach (ActivityRecord r in TestData.Trace("n", steps: 600, layers: 3, trend: 0, noise: 0.1, lossTrend: -1, seed: 4))
        {
            if (r.Layer == ActivityRecord.NetworkLayer)
            {
                records.Add(r);
                continue;
            }

            long t = r.Step - 12;
            double weight = t < 300 ? 1 : 10;
            double ratio = r.Layer == "fc3" ? 1e-5 : 1e-3;
            double gradient = r.Layer == "fc1" ? 100 : r.Layer == "fc2" && t == 590 ? 50 : 1;
            records.Add(r with { GradientNorm = gradient, WeightNorm = weight, UpdateNorm = ratio * weight });
        }

        RunTrace trace = RunTrace.FromRecords(records)[0];
        float[] f = Norms(trace);
        Assert.AreEqual(1, f[NormIndex("norms.present")]);
        Assert.AreEqual(-3, f[NormIndex("norms.update_ratio_log10")], 1e-4, "median over the layers");
        Assert.AreEqual(-5, f[NormIndex("norms.update_ratio_min_log10")], 1e-4);
        Assert.AreEqual(-3, f[NormIndex("norms.update_ratio_max_log10")], 1e-4);
        Assert.AreEqual(0, f[NormIndex("norms.update_ratio_vs_start")], 1e-4);
        Assert.AreEqual(Math.Log(10), f[NormIndex("norms.weight_vs_start")], 1e-4);
        Assert.AreEqual(Math.Log(10), f[NormIndex("norms.weight_vs_start_max")], 1e-4);
        Assert.AreEqual(0, f[NormIndex("norms.grad_vs_start")], 1e-4);
        Assert.AreEqual(Math.Log(100), f[NormIndex("norms.first_layer_grad_ratio")], 1e-4);
        Assert.AreEqual(Math.Log(100), f[NormIndex("norms.grad_layer_spread")], 1e-4);
        Assert.AreEqual(Math.Log(50), f[NormIndex("norms.grad_spike")], 1e-4);
        Assert.AreEqual(0, f[NormIndex("norms.grad_non_finite_fraction")]);

        float[] none = Norms(trace.WithoutNorms());
        Assert.IsTrue(none.All(v => v == 0), "without the columns every norm feature is 0, present included");
    }

    [TestMethod]
    public void Norms_StrippingTheColumns_EqualsZeroingTheNormBlock()
    {
        // What training relies on: the stripped copy of a run is the full run's vector with the norm block zeroed.
        CorpusRunInfo info = TestData.Corpus.Runs.First(r => r.Effective && r.Condition == "lr-too-low");
        RunTrace trace = TestData.Corpus.Traces[info.Run];
        Assert.IsTrue(trace.HasNorms, "the corpus of our engine carries the norm columns");
        ShapeModel shapes = ShapeModel.LoadDefault();
        float[] full = RunSnapshot.Create(trace, shapes)!.ActionFeatures;
        float[] stripped = RunSnapshot.Create(trace.WithoutNorms(), shapes)!.ActionFeatures;
        Assert.AreEqual(1, full[ActionFeatureVector.NormOffset]);
        CollectionAssert.AreEqual(ActionFeatureVector.WithoutNorms(full), stripped);
        Assert.IsLessThan(-3.5, full[ActionFeatureVector.NormOffset + 1], "a ×10⁻³ learning rate: median update/weight ratio below 10⁻³·⁵");
    }

    [TestMethod]
    public void ShippedActionModel_ReadsTheFeaturesItWasTrainedOn()
    {
        // A model saved before the norm block was appended reads the first 80 values (the vector it was trained on);
        // one trained since reads all of them. Either way ranking a snapshot works and gives probabilities.
        ActionModel model = ActionModel.LoadDefault();
        Assert.IsTrue(model.InputLength == ActionFeatureVector.Length || model.InputLength == ActionFeatureVector.NormOffset, $"{model.InputLength}");
        CorpusRunInfo info = TestData.Corpus.Runs.First(r => r.Effective && r.Condition == "lr-too-low");
        RunSnapshot snapshot = RunSnapshot.Create(TestData.Corpus.Traces[info.Run], ShapeModel.LoadDefault())!;
        float[] p = model.Scores(snapshot.ActionFeatures);
        Assert.AreEqual(ActionNames.All.Count, p.Length);
        Assert.AreEqual(1, p.Sum(), 1e-4);
        if (model.InputLength == ActionFeatureVector.NormOffset)
        {
            CollectionAssert.AreEqual(p, model.Scores(ActionFeatureVector.WithoutNorms(snapshot.ActionFeatures)), "an 80-input model does not see the norms");
        }
    }

    [TestMethod]
    public void Evidence_QuotesTheUpdateRatioOnlyWhenTheTraceHasNormsThatSupportTheAction()
    {
        CorpusRunInfo info = TestData.Corpus.Runs.First(r => r.Effective && r.Condition == "lr-too-low");
        RunTrace trace = TestData.Corpus.Traces[info.Run];
        ShapeModel shapes = ShapeModel.LoadDefault();
        string with = Evidence.For(TrainingAction.RaiseLearningRate, RunSnapshot.Create(trace, shapes)!);
        string without = Evidence.For(TrainingAction.RaiseLearningRate, RunSnapshot.Create(trace.WithoutNorms(), shapes)!);
        StringAssert.Contains(with, "‖Δθ‖/‖θ‖");
        StringAssert.Contains(with, "a step changes the weights by 10^-");
        Assert.DoesNotContain("‖Δθ‖", without);

        // The same small ratio is not quoted as evidence that the steps are too large.
        Assert.DoesNotContain("‖Δθ‖", Evidence.For(TrainingAction.LowerLearningRate, RunSnapshot.Create(trace, shapes)!));
    }

    private static int NormIndex(string name) => NormFeatures.Names.ToList().IndexOf(name);

    private static float[] Norms(RunTrace trace)
    {
        float[] f = new float[NormFeatures.Count];
        NormFeatures.Compute(TraceWindower.LastWindows(trace).Where(w => !w.IsNetwork).ToList(), f);
        return f;
    }

    private static int Index(string name) => RunHistoryFeatures.Names.ToList().IndexOf(name);

    private static float[] History(TraceWindow whole)
    {
        float[] f = new float[RunHistoryFeatures.Count];
        RunHistoryFeatures.Compute(whole, f);
        return f;
    }
}
