using MLGradientInsight.Trainers;
using MLGradientInsight.Trainers.Data;
using MLGradientInsight.Trainers.Losses;
using MLGradientInsight.Trainers.Models;
using MLGradientInsight.Trainers.Optimizers;
using MLGradientInsight.Trainers.Training;

namespace MLGradientInsight.Trainers.Tests.Models;

[TestClass]
public sealed class ModelZooTest
{
    [TestMethod]
    public void LeNet5_HasTheParameterCountsOf002Table1()
    {
        Sequential model = ModelZoo.LeNet5(1);
        var perLayer = model.Parameters.GroupBy(p => p.LayerName).ToDictionary(g => g.Key, g => g.Sum(p => p.Length));
        Assert.AreEqual(60, perLayer["conv1"]);
        Assert.AreEqual(880, perLayer["conv2"]);
        Assert.AreEqual(69_240, perLayer["fc1"]);
        Assert.AreEqual(10_164, perLayer["fc2"]);
        Assert.AreEqual(850, perLayer["fc3"]);
        CollectionAssert.AreEqual(new[] { 7, 10 }, model.OutputShape([7, 1, 32, 32]));
        CollectionAssert.AreEqual(
            new[] { "conv1.weight", "conv1.bias", "conv2.weight", "conv2.bias", "fc1.weight", "fc1.bias", "fc2.weight", "fc2.bias", "fc3.weight", "fc3.bias" },
            model.Parameters.Select(p => p.Name).ToArray());
    }

    [TestMethod]
    public void Kraidiky_Has510WeightsAndNoBiases()
    {
        Sequential model = ModelZoo.Kraidiky(1);
        Assert.AreEqual(510, model.ParameterCount);
        Assert.IsTrue(model.Parameters.All(p => p.LocalName == "weight"));
        CollectionAssert.AreEqual(new[] { 5, 1 }, model.OutputShape([5, 3]));
    }

    [TestMethod]
    public void Mlp_FlattensImagesAndNamesLayersFc1ToFcN()
    {
        Sequential model = ModelZoo.Mlp([784, 256, 128, 10], Activation.ReLU, 1, flattenInput: true);
        Assert.AreEqual((784 * 256) + 256 + (256 * 128) + 128 + (128 * 10) + 10, model.ParameterCount);
        CollectionAssert.AreEqual(new[] { "fc1", "fc2", "fc3" }, model.ParameterLayerNames.ToArray());
        CollectionAssert.AreEqual(new[] { 2, 10 }, model.OutputShape([2, 1, 28, 28]));
    }

    [TestMethod]
    public void PyTorchDefaultInit_StaysInsideTheFanInBound()
    {
        Sequential model = ModelZoo.LeNet5(5);
        foreach (Parameter p in model.Parameters)
        {
            int fanIn = p.LayerName switch { "conv1" => 9, "conv2" => 54, "fc1" => 576, "fc2" => 120, _ => 84 };
            float bound = 1f / MathF.Sqrt(fanIn);
            float max = p.Weights.ToArray().Max(MathF.Abs);
            Assert.IsLessThanOrEqualTo(bound, max, p.Name);
            Assert.IsGreaterThan(bound * 0.5f, max, $"{p.Name} should fill most of U(±{bound})");
        }
    }

    [TestMethod]
    public void SameSeed_SameWeights_DifferentSeed_DifferentWeights()
    {
        float[] a = [.. ModelZoo.LeNet5(3).Parameters.SelectMany(p => p.Weights.ToArray())];
        float[] b = [.. ModelZoo.LeNet5(3).Parameters.SelectMany(p => p.Weights.ToArray())];
        float[] c = [.. ModelZoo.LeNet5(4).Parameters.SelectMany(p => p.Weights.ToArray())];
        CollectionAssert.AreEqual(a, b);
        CollectionAssert.AreNotEqual(a, c);
    }

    [TestMethod]
    public void Kraidiky_OnTheCurveTask_Learns()
    {
        (Dataset train, Dataset test) = SyntheticTasks.Curve(2000, 1).Split(0.25, 1);
        Sequential model = ModelZoo.Kraidiky(1);
        var trainer = new Trainer(model, new MseLoss(), new Sgd(model.Parameters, 0.05f, momentum: 0.9f), new TrainerOptions { Epochs = 15, BatchSize = 16, Seed = 1 });
        double before = trainer.Evaluate(test).Loss;
        TrainingResult result = trainer.Fit(train);
        double after = trainer.Evaluate(test).Loss;
        Assert.AreEqual(TrainingStatus.Completed, result.Status);
        Assert.IsLessThan(before * 0.5, after, $"test MSE {before} -> {after}");
        Assert.IsLessThan(result.Epochs[0].TrainLoss, result.Epochs[^1].TrainLoss);
    }

    [TestMethod]
    public void LeNet5_OnAFashionMnistSubset_LearnsWellAboveChance()
    {
        if (!FashionMnist.IsInstalled(FashionMnist.DefaultDirectory))
        {
            Assert.Inconclusive("Fashion-MNIST not installed: sudo apt-get install dataset-fashion-mnist");
        }

        (Dataset train, Dataset test) = FashionMnist.Load(FashionMnist.DefaultDirectory, padTo32: true, limit: 6000);
        Sequential model = ModelZoo.LeNet5(1);
        var trainer = new Trainer(model, new SoftmaxCrossEntropyLoss(), new Sgd(model.Parameters, 0.01f, momentum: 0.9f), new TrainerOptions { Epochs = 2, BatchSize = 64, Seed = 1 });
        TrainingResult result = trainer.Fit(train);
        EvaluationResult eval = trainer.Evaluate(test.Subset([.. Enumerable.Range(0, 2000)], "test2000"));
        Assert.AreEqual(TrainingStatus.Completed, result.Status);
        Assert.IsLessThan(result.Epochs[0].TrainLoss, result.Epochs[1].TrainLoss);
        Assert.IsGreaterThan(0.65, eval.Accuracy, $"accuracy {eval.Accuracy} after 2 epochs on 6000 images");
    }
}
