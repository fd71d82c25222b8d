using MLGradientInsight.Analyses.Evaluation;
using MLGradientInsight.Analyses.LinearPath;
using MLGradientInsight.Analyses.Robustness;
using MLGradientInsight.Trainers.Data;
using MLGradientInsight.Trainers.Layers;
using MLGradientInsight.Trainers.Losses;
using MLGradientInsight.Trainers.Optimizers;
using MLGradientInsight.Trainers.Torch.Analyses;
using MLGradientInsight.Trainers.Torch.Models;
using MLGradientInsight.Trainers.Training;

namespace MLGradientInsight.Trainers.Torch.Tests.Analyses;

/// <summary>
/// The analyses give the same numbers on the TorchSharp engine as on the managed one: a small batch-norm MLP trained by
/// the managed engine is copied into TorchSharp (<see cref="TorchModels.FromSequential"/>) and both evaluators see the
/// same weights and the same evaluation set.
/// </summary>
[TestClass]
public sealed class TorchModelEvaluatorTests
{
    private const double Tolerance = 1e-5;

    [TestMethod]
    public void Evaluation_and_state_tensors_match_the_managed_evaluator()
    {
        (Sequential model, _, _, Dataset test) = TrainedModel();
        using var module = TorchModels.FromSequential(model);
        var managed = new SequentialModelEvaluator(model, new SoftmaxCrossEntropyLoss(), test, batchSize: 64);
        using var torchEvaluator = new TorchModelEvaluator(module, test, batchSize: 37);

        CollectionAssert.AreEqual(managed.Tensors.ToArray(), torchEvaluator.Tensors.ToArray(), "same names, layers, lengths and kinds");
        ModelEvaluation expected = managed.Evaluate(), actual = torchEvaluator.Evaluate();
        Assert.AreEqual(expected.Loss, actual.Loss, Tolerance * Math.Max(1, expected.Loss));
        Assert.AreEqual(expected.Accuracy, actual.Accuracy, 1e-12);
        Assert.AreEqual(test.Count, actual.Samples);
        Assert.IsTrue(actual.Accuracy > 0.6, $"the model learned something ({actual.Accuracy:F3}), so the comparison is not between two chance-level models");
        Assert.IsTrue(module.training, "the training mode is restored");

        float[] values = new float[16];
        torchEvaluator.Write("bn1.running_var", [.. Enumerable.Range(1, 16).Select(i => (float)i)]);
        torchEvaluator.Read("bn1.running_var", values);
        CollectionAssert.AreEqual(Enumerable.Range(1, 16).Select(i => (float)i).ToArray(), values);
        Assert.AreNotEqual(expected.Loss, torchEvaluator.Evaluate().Loss, "a written running statistic changes the evaluation");

        float[] drawnManaged = new float[managed.Tensors[0].Length], drawnTorch = new float[drawnManaged.Length];
        managed.DrawInitial("fc1.weight", drawnManaged, new Random(4));
        torchEvaluator.DrawInitial("fc1.weight", drawnTorch, new Random(4));
        CollectionAssert.AreEqual(drawnManaged, drawnTorch, "re-randomisation draws from the same distribution with the same seed");
        StringAssert.Contains(Assert.ThrowsExactly<KeyNotFoundException>(() => torchEvaluator.Read("fc9.weight", values)).Message, "fc1.weight");
        Assert.ThrowsExactly<ArgumentException>(() => torchEvaluator.Write("fc1.weight", new float[1]));
    }

    [TestMethod]
    public void Linear_path_and_robustness_give_the_same_curves_on_both_engines()
    {
        (Sequential model, ModelState theta0, ModelState theta1, Dataset test) = TrainedModel();
        var options = new LinearPathOptions { Alphas = AlphaGrid.Parse("-0.5:1.5:9"), Scope = LinearPathScope.Layer };
        LinearPathResult managedPath = LinearPathAnalyzer.Run(new SequentialModelEvaluator(model, new SoftmaxCrossEntropyLoss(), test), theta0, theta1, options);

        // README: analyses on a TorchSharp model
        using var module = TorchModels.FromSequential(model);
        using var evaluator = new TorchModelEvaluator(module, test);
        LinearPathResult path = LinearPathAnalyzer.Run(evaluator, theta0, theta1, options);
        RobustnessResult robustness = LayerRobustnessAnalyzer.Run(evaluator, theta0, theta1);

        Assert.AreEqual(managedPath.Points.Count, path.Points.Count);
        Assert.AreEqual(3 * 9, path.Points.Count, "fc1, bn1 and fc2, nine alphas each");
        foreach ((LinearPathPoint expected, LinearPathPoint actual) in managedPath.Points.Zip(path.Points))
        {
            Assert.AreEqual((expected.Target, expected.Alpha), (actual.Target, actual.Alpha));
            Assert.AreEqual(expected.Loss, actual.Loss, Tolerance * Math.Max(1, expected.Loss), $"{actual.Target} at α = {actual.Alpha}");
            Assert.AreEqual(expected.Accuracy, actual.Accuracy, 1e-12, $"{actual.Target} at α = {actual.Alpha}");
        }

        Assert.IsTrue(path.Points.Max(p => p.Loss) > path.Points.Single(p => p.Target == "fc2" && p.Alpha == 1).Loss, "the curves are not flat");

        RobustnessResult managedRobustness = LayerRobustnessAnalyzer.Run(new SequentialModelEvaluator(model, new SoftmaxCrossEntropyLoss(), test), theta0, theta1);
        Assert.AreEqual(managedRobustness.Layers.Count, robustness.Layers.Count);
        foreach ((LayerRobustness expected, LayerRobustness actual) in managedRobustness.Layers.Zip(robustness.Layers))
        {
            Assert.AreEqual((expected.Layer, expected.Mode, expected.Verdict), (actual.Layer, actual.Mode, actual.Verdict));
            Assert.AreEqual(expected.Loss, actual.Loss, Tolerance * Math.Max(1, expected.Loss), $"{actual.Layer} {actual.Mode}");
        }

        float[] restored = new float[theta1["fc2.weight"].Length];
        evaluator.Read("fc2.weight", restored);
        CollectionAssert.AreEqual(theta1["fc2.weight"].ToArray(), restored, "the model is left at θ1");
    }

    private static (Sequential Model, ModelState Theta0, ModelState Theta1, Dataset Test) TrainedModel()
    {
        var random = new Random(3);
        var model = new Sequential("m", new Linear("fc1", 2, 16, random), new BatchNorm1d("bn1", 16), new ReLU("relu"), new Linear("fc2", 16, 3, random));
        (Dataset train, Dataset test) = SyntheticTasks.GaussianBlobs(600, 3, 3).Split(0.25, 3);
        ModelState theta0 = ModelState.FromModel(model);
        new Trainer(model, new SoftmaxCrossEntropyLoss(), new Sgd(model.Parameters, 0.1f, momentum: 0.9f), new TrainerOptions { Epochs = 2, BatchSize = 32, Seed = 3 }).Fit(train);
        return (model, theta0, ModelState.FromModel(model), test);
    }
}
