using MLGradientInsight.Analyses.GradientSpace;
using MLGradientInsight.Trainers;
using MLGradientInsight.Trainers.Data;
using MLGradientInsight.Trainers.Losses;
using MLGradientInsight.Trainers.Models;
using MLGradientInsight.Trainers.Optimizers;
using MLGradientInsight.Trainers.Training;

namespace MLGradientInsight.Analyses.Tests.GradientSpace;

[TestClass]
public sealed class GradNetTests
{
    [TestMethod]
    public void GradNet_learns_to_classify_from_the_gradients_of_a_trained_network()
    {
        (Dataset train, Dataset test) = SyntheticTasks.GaussianBlobs(600, 3, 7, dims: 4, spread: 0.8).Split(0.5, 7);
        Sequential model = ModelZoo.Mlp([4, 8, 3], Activation.ReLU, 7);
        new Trainer(model, new SoftmaxCrossEntropyLoss(), new Sgd(model.Parameters, 0.05f), new TrainerOptions { Epochs = 2, BatchSize = 16 }).Fit(train);

        var stages = new List<string>();
        GradNetResult result = GradNet.Run(model, train, test, new GradNetOptions { Percentile = 50, Epochs = 15, HiddenPerBlock = 8 }, new Collector(stages));

        Assert.AreEqual(model.Parameters.Sum(p => (int)Math.Round(p.Length * 0.5)), result.Features);
        Assert.AreEqual(2, result.Blocks);
        Assert.IsGreaterThan(0.8, result.GradNetAccuracy, $"GradNet test accuracy {result.GradNetAccuracy} (chance 1/3; base {result.BaseAccuracy})");
        Assert.AreEqual((result.GradNetAccuracy / result.BaseAccuracy) - 1, result.Gain, 1e-12);
        Assert.AreEqual((long)(train.Count + test.Count) * 3 * result.Features * sizeof(float), result.FeatureBytes);
        CollectionAssert.IsSubsetOf(new[] { "selecting", "train features", "test features", "training" }, stages.Distinct().ToArray());
    }

    [TestMethod]
    public void Scaled_training_features_lie_in_minus_one_to_one_and_keep_their_order()
    {
        (Sequential model, Dataset data) = PerSampleGradientPassTests.Create("relu-mlp", 20);
        GradientImportanceResult importance = GradientImportance.Compute(model, data);
        var features = GradNetFeatures.Select(model, importance, 75, 3, 0.5);
        float[] raw = features.Compute(model, data, 7, null);
        float[] scaled = (float[])raw.Clone();
        features.FitScaling(raw);
        features.Scale(scaled);
        Assert.IsTrue(scaled.All(v => v >= -1f && v <= 1f));
        for (int f = 0; f < features.Count; f++)
        {
            // Monotone per feature: the largest raw value maps to 1 unless the feature is constant.
            float[] column = [.. Enumerable.Range(0, raw.Length / features.Count).Select(r => raw[(r * features.Count) + f])];
            float[] mapped = [.. Enumerable.Range(0, raw.Length / features.Count).Select(r => scaled[(r * features.Count) + f])];
            if (column.Max() > column.Min())
            {
                Assert.AreEqual(1f, mapped[Array.IndexOf(column, column.Max())], 1e-6f);
                Assert.AreEqual(-1f, mapped[Array.IndexOf(column, column.Min())], 1e-6f);
            }
        }
    }

    [TestMethod]
    public void Selection_keeps_the_entries_with_the_largest_mean_absolute_gradient()
    {
        (Sequential model, Dataset data) = PerSampleGradientPassTests.Create("relu-mlp", 20);
        GradientImportanceResult importance = GradientImportance.Compute(model, data);
        var features = GradNetFeatures.Select(model, importance, 90, 3, 0.5);
        for (int p = 0; p < model.Parameters.Count; p++)
        {
            float[] values = importance.Values(model.Parameters[p].Name, ImportanceCriterion.MeanAbsoluteGradient);
            int[] kept = features.Selection[p];
            Assert.AreEqual(Math.Max(1, (int)Math.Round(values.Length * 0.1)), kept.Length);
            float weakestKept = kept.Min(i => values[i]);
            Assert.IsTrue(Enumerable.Range(0, values.Length).Except(kept).All(i => values[i] <= weakestKept), model.Parameters[p].Name);
        }

        Assert.AreEqual(features.Count, features.LayerRanges.Sum(r => r.Length));
        Assert.HasCount(3, features.LayerRanges);
    }

    [TestMethod]
    [DataRow(100.0)]
    [DataRow(-1.0)]
    [DataRow(double.NaN)]
    public void A_percentile_outside_0_to_100_is_refused(double percentile)
    {
        ArgumentOutOfRangeException e = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => new GradNetOptions { Percentile = percentile }.Validate());
        Assert.AreEqual(nameof(GradNetOptions.Percentile), e.ParamName);
    }

    private sealed class Collector(List<string> stages) : IProgress<GradNetProgress>
    {
        public void Report(GradNetProgress value) => stages.Add(value.Stage);
    }
}
