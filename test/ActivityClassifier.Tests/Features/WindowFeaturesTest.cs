using Microsoft.ML;
using MLGradientInsight.ActivityClassifier.Features;
using MLGradientInsight.ActivityClassifier.Shapes;
using MLGradientInsight.Transforms.Activity;

namespace MLGradientInsight.ActivityClassifier.Tests.Features;

[TestClass]
public sealed class WindowFeaturesTest
{
    [TestMethod]
    public void Names_MatchTheVectorLength() => Assert.AreEqual(WindowFeatureVector.Length, WindowFeatures.Count);

    [TestMethod]
    [DataRow(1.0)]
    [DataRow(-2.0)]
    [DataRow(0.0)]
    public void Slope_IsTheLogChangeOverTheWindow(double logChange)
    {
        float[] activity = [.. Enumerable.Range(0, 400).Select(t => (float)(0.5 * Math.Exp(logChange * t / 399)))];
        float[] f = Compute(new TraceWindow { StartStep = 1, EndStep = 400, Activity = activity });
        // Block medians sit at block centres, 7/8 of the window apart: the slope per block × 7 is 7/8 of the change.
        Assert.AreEqual(logChange * 7 / 8, f[WindowFeatures.IndexOf("slope")], 0.05);
        // A pure trend has no noise; what remains is the ramp inside each block around its median: |r| ≤ change / 16,
        // median |r| ≈ change / 32.
        Assert.AreEqual(1.4826 * Math.Abs(logChange) / 32, f[WindowFeatures.IndexOf("dispersion")], 0.01);
        Assert.AreEqual(Math.Log(0.5 * Math.Exp(logChange / 2)), f[WindowFeatures.IndexOf("level")], 0.05);
    }

    [TestMethod]
    public void NonFiniteValuesAndGaps_AreCountedNotDropped()
    {
        float[] activity = [.. Enumerable.Range(0, 100).Select(i => i % 10 == 0 ? float.NaN : i % 10 == 1 ? float.PositiveInfinity : 1f)];
        float[] loss = [.. Enumerable.Range(0, 100).Select(i => i % 4 == 0 ? float.PositiveInfinity : 2f)];
        float[] f = Compute(new TraceWindow { StartStep = 1, EndStep = 200, Activity = activity, Loss = loss });
        Assert.AreEqual(0.2, f[WindowFeatures.IndexOf("non_finite_fraction")], 1e-6);
        Assert.AreEqual(0.5, f[WindowFeatures.IndexOf("gap_fraction")], 1e-6);
        Assert.AreEqual(0.25, f[WindowFeatures.IndexOf("loss_non_finite_fraction")], 1e-6);
        Assert.AreEqual(1, f[WindowFeatures.IndexOf("pinned_fraction")], 1e-6, "every finite value is 1.0");
        Assert.IsTrue(f.All(float.IsFinite));
    }

    [TestMethod]
    public void EmptyWindow_HasFiniteFeatures()
    {
        float[] f = Compute(new TraceWindow { StartStep = 5, EndStep = 5 });
        Assert.IsTrue(f.All(float.IsFinite));
        Assert.AreEqual(1, f[WindowFeatures.IndexOf("non_finite_fraction")]);
        Assert.AreEqual(-1, f[WindowFeatures.IndexOf("excluded_mean")], "absent column");
        Assert.AreEqual(0, f[WindowFeatures.IndexOf("lr_present")]);
    }

    [TestMethod]
    public void LayerFeatures_CompareTheLayerWithTheMedianLayer()
    {
        float[] activity = [.. Enumerable.Repeat(0.1f, 64)];
        float[] f = Compute(new TraceWindow { StartStep = 1, EndStep = 64, Activity = activity, LayerLevels = [0.1f, 1f, 1f], Layer = "fc1" });
        Assert.AreEqual(Math.Log(0.1), f[WindowFeatures.IndexOf("self_vs_layers")], 1e-4);
        Assert.AreEqual(Math.Log(0.1), f[WindowFeatures.IndexOf("layer_min_ratio")], 1e-4);
        Assert.AreEqual(Math.Log(10), f[WindowFeatures.IndexOf("layer_spread")], 1e-4);
    }

    [TestMethod]
    public void CustomMapping_SavesAndLoadsInAModelZip_WithTheSameFeatures()
    {
        TraceWindow[] windows = [.. SyntheticWindows.Generate(20, seed: 3)];
        var ml = new MLContext(1);
        IDataView data = ml.Data.LoadFromEnumerable(windows);
        ITransformer model = WindowFeaturizerFactory.CreateEstimator(ml).Fit(data);
        using var zip = new MemoryStream();
        ml.Model.Save(model, data.Schema, zip);
        zip.Position = 0;

        var other = new MLContext(2);
        other.ComponentCatalog.RegisterAssembly(typeof(WindowFeaturizerFactory).Assembly);
        ITransformer loaded = other.Model.Load(zip, out _);
        WindowFeatureVector[] rows = [.. other.Data.CreateEnumerable<WindowFeatureVector>(loaded.Transform(other.Data.LoadFromEnumerable(windows)), reuseRowObject: false)];
        Assert.HasCount(windows.Length, rows);
        for (int i = 0; i < windows.Length; i++)
        {
            CollectionAssert.AreEqual(Compute(windows[i]), rows[i].Features);
        }
    }

    private static float[] Compute(TraceWindow w)
    {
        w.Layer = w.Layer.Length == 0 ? ActivityRecord.NetworkLayer : w.Layer;
        float[] f = new float[WindowFeatures.Count];
        WindowFeatures.Compute(w, f);
        return f;
    }
}
