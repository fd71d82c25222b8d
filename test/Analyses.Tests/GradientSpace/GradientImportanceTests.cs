using MLGradientInsight.Analyses.GradientSpace;
using MLGradientInsight.Trainers;
using MLGradientInsight.Trainers.Data;
using MLGradientInsight.Trainers.Losses;
using MLGradientInsight.Trainers.Models;
using MLGradientInsight.Trainers.Optimizers;
using MLGradientInsight.Trainers.Training;

namespace MLGradientInsight.Analyses.Tests.GradientSpace;

[TestClass]
public sealed class GradientImportanceTests
{
    [TestMethod]
    public void Criteria_follow_their_definitions_from_per_sample_gradients()
    {
        (Sequential model, Dataset data) = PerSampleGradientPassTests.Create("small-conv", 10);
        GradientImportanceResult result = GradientImportance.Compute(model, data, new GradientImportanceOptions { BatchSize = 4 });
        Assert.AreEqual(10, result.SampleCount);
        for (int k = 0; k < model.Parameters.Count; k++)
        {
            Parameter p = model.Parameters[k];
            double[] sum = new double[p.Length], abs = new double[p.Length], sq = new double[p.Length];
            for (int n = 0; n < data.Count; n++)
            {
                float[] g = Models.NaiveGradient(model, data, n, (int)data.Targets.Span[n])[k];
                for (int e = 0; e < g.Length; e++)
                {
                    sum[e] += g[e];
                    abs[e] += Math.Abs(g[e]);
                    sq[e] += (double)g[e] * g[e];
                }
            }

            float[] meanAbs = result.Values(p.Name, ImportanceCriterion.MeanAbsoluteGradient);
            float[] rms = result.Values(p.Name, ImportanceCriterion.RmsGradient);
            float[] snip = result.Values(p.Name, ImportanceCriterion.ConnectionSensitivity);
            float[] fisher = result.Values(p.Name, ImportanceCriterion.Fisher);
            for (int e = 0; e < p.Length; e++)
            {
                double tol(double v) => 1e-6 + (1e-4 * Math.Abs(v));
                Assert.AreEqual(abs[e] / 10, meanAbs[e], tol(abs[e] / 10), $"{p.Name}[{e}] mean |g|");
                Assert.AreEqual(Math.Sqrt(sq[e] / 10), rms[e], tol(Math.Sqrt(sq[e] / 10)), $"{p.Name}[{e}] rms");
                Assert.AreEqual(sq[e] / 10, fisher[e], tol(sq[e] / 10), $"{p.Name}[{e}] fisher");
                Assert.AreEqual(Math.Abs(sum[e] / 10 * p.Weights[e]), snip[e], tol(snip[e]), $"{p.Name}[{e}] snip");
            }
        }
    }

    [TestMethod]
    public void Top_returns_the_k_largest_edges_of_each_weight_in_descending_order()
    {
        (Sequential model, Dataset data) = PerSampleGradientPassTests.Create("relu-mlp", 12);
        GradientImportanceResult result = GradientImportance.Compute(model, data);
        IReadOnlyList<EdgeImportance> top = result.Top(ImportanceCriterion.ConnectionSensitivity, 4);
        string[] weights = ["fc1.weight", "fc2.weight", "fc3.weight"];
        CollectionAssert.AreEqual(weights, top.Select(e => e.Parameter).Distinct().ToArray(), "biases are left out");
        foreach (string w in weights)
        {
            EdgeImportance[] edges = [.. top.Where(e => e.Parameter == w)];
            Assert.HasCount(4, edges);
            float[] all = result.Values(w, ImportanceCriterion.ConnectionSensitivity);
            float[] expected = [.. all.OrderDescending().Take(4)];
            CollectionAssert.AreEqual(expected, edges.Select(e => e.ConnectionSensitivity).ToArray(), w);
            foreach (EdgeImportance e in edges)
            {
                Assert.AreEqual(model.GetParameter(w).Weights[e.Index], e.Weight);
                Assert.AreEqual(e.Index, (e.OutputUnit * model.GetParameter(w).Shape[1]) + e.InputIndex);
            }
        }
    }

    [TestMethod]
    public void Importance_map_sums_the_first_layer_over_its_output_units()
    {
        (Sequential model, Dataset data) = PerSampleGradientPassTests.Create("relu-mlp", 12);
        GradientImportanceResult result = GradientImportance.Compute(model, data);
        float[,] map = result.ImportanceMap(ImportanceCriterion.Fisher, 3, 4);
        float[] fisher = result.Values("fc1.weight", ImportanceCriterion.Fisher);
        Assert.AreEqual(3, map.GetLength(0));
        Assert.AreEqual(4, map.GetLength(1));
        for (int pixel = 0; pixel < 12; pixel++)
        {
            float expected = Enumerable.Range(0, 7).Sum(o => fisher[(o * 12) + pixel]);
            Assert.AreEqual(expected, map[pixel / 4, pixel % 4], 1e-6f * Math.Max(1, expected));
        }

        ArgumentException e = Assert.ThrowsExactly<ArgumentException>(() => result.ImportanceMap(ImportanceCriterion.Fisher, 5, 5));
        StringAssert.Contains(e.Message, "fc1.weight");
    }

    [TestMethod]
    public void Importance_map_of_a_convolution_is_refused_with_the_reason()
    {
        (Sequential model, Dataset data) = PerSampleGradientPassTests.Create("small-conv", 4);
        GradientImportanceResult result = GradientImportance.Compute(model, data);
        ArgumentException e = Assert.ThrowsExactly<ArgumentException>(() => result.ImportanceMap(ImportanceCriterion.Fisher, 6, 6));
        StringAssert.Contains(e.Message, "Convolution");
    }

    [TestMethod]
    public void Non_finite_gradients_are_reported_with_the_parameter()
    {
        (Sequential model, Dataset data) = PerSampleGradientPassTests.Create("relu-mlp", 4);
        model.GetParameter("fc3.bias").Weights[1] = float.NaN;
        InvalidOperationException e = Assert.ThrowsExactly<InvalidOperationException>(() => GradientImportance.Compute(model, data));
        StringAssert.Contains(e.Message, "not finite");
    }

    [TestMethod]
    public void Pruning_by_a_criterion_zeroes_the_least_important_weights_and_restores_the_model()
    {
        (Sequential model, Dataset data) = PerSampleGradientPassTests.Create("relu-mlp", 30);
        float[][] before = [.. model.Parameters.Select(p => p.Weights.ToArray())];
        GradientImportanceResult result = GradientImportance.Compute(model, data);
        IReadOnlyList<PruningResult> rows = PruningCheck.Run(model, result, data, [0.0, 0.5, 0.99]);
        Assert.HasCount(3 * 5, rows);
        CollectionAssert.AreEquivalent(
            new[] { "MeanAbsoluteGradient", "RmsGradient", "ConnectionSensitivity", "Fisher", PruningCheck.Magnitude },
            rows.Select(r => r.Criterion).Distinct().ToArray());
        foreach (PruningResult r in rows.Where(r => r.Sparsity == 0))
        {
            Assert.AreEqual(r.UnprunedAccuracy, r.Accuracy);
            Assert.AreEqual(r.UnprunedAccuracy, r.RandomAccuracy);
            Assert.AreEqual(0, r.PrunedWeights);
        }

        Assert.AreEqual((int)Math.Round(84 * 0.5) + (int)Math.Round(35 * 0.5) + (int)Math.Round(15 * 0.5), rows.First(r => r.Sparsity == 0.5).PrunedWeights);
        for (int k = 0; k < before.Length; k++)
        {
            CollectionAssert.AreEqual(before[k], model.Parameters[k].Weights.ToArray(), "weights restored");
        }

        Assert.ThrowsExactly<ArgumentException>(() => PruningCheck.Run(model, result, data, [1.0]));
    }

    [TestMethod]
    public void On_a_trained_network_every_gradient_ranking_prunes_better_than_chance()
    {
        (Dataset train, Dataset test) = SyntheticTasks.GaussianBlobs(800, 4, 3, dims: 6, spread: 0.7).Split(0.5, 3);
        Sequential model = ModelZoo.Mlp([6, 32, 4], Activation.ReLU, 3);
        new Trainer(model, new SoftmaxCrossEntropyLoss(), new Sgd(model.Parameters, 0.05f), new TrainerOptions { Epochs = 5, BatchSize = 16 }).Fit(train);
        GradientImportanceResult importance = GradientImportance.Compute(model, train);
        foreach (PruningResult r in PruningCheck.Run(model, importance, test, [0.7], randomRepeats: 5))
        {
            Assert.IsGreaterThan(r.RandomAccuracy, r.Accuracy, $"{r.Criterion}: pruned {r.Accuracy}, random {r.RandomAccuracy}, unpruned {r.UnprunedAccuracy}");
        }
    }
}
