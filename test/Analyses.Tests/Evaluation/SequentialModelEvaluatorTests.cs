using MLGradientInsight.Analyses.Evaluation;
using MLGradientInsight.Trainers;
using MLGradientInsight.Trainers.Data;
using MLGradientInsight.Trainers.Layers;
using MLGradientInsight.Trainers.Losses;
using MLGradientInsight.Trainers.Training;

namespace MLGradientInsight.Analyses.Tests.Evaluation;

[TestClass]
public sealed class SequentialModelEvaluatorTests
{
    [TestMethod]
    public void BatchNorm_running_statistics_are_state_tensors_of_their_layer_with_their_initial_values()
    {
        var random = new Random(1);
        var model = new Sequential("m", new Linear("fc1", 2, 4, random), new BatchNorm1d("bn1", 4), new ReLU("relu"), new Linear("fc2", 4, 3, random));
        (Dataset data, _) = SyntheticTasks.GaussianBlobs(60, 3, 1).Split(0.5, 1);
        var evaluator = new SequentialModelEvaluator(model, new SoftmaxCrossEntropyLoss(), data, batchSize: 7);

        CollectionAssert.AreEqual(
            new[] { "fc1.weight", "fc1.bias", "bn1.weight", "bn1.bias", "fc2.weight", "fc2.bias", "bn1.running_mean", "bn1.running_var" },
            evaluator.Tensors.Select(t => t.Name).ToArray());
        Assert.AreEqual(StateTensorKind.RunningStatistic, evaluator.Tensors.Single(t => t.Name == "bn1.running_var").Kind);
        Assert.AreEqual("bn1", evaluator.Tensors.Single(t => t.Name == "bn1.running_var").Layer);

        float[] values = new float[4];
        evaluator.DrawInitial("bn1.running_var", values, new Random(2));
        CollectionAssert.AreEqual(new[] { 1f, 1f, 1f, 1f }, values);
        evaluator.DrawInitial("bn1.bias", values, new Random(2));
        CollectionAssert.AreEqual(new[] { 0f, 0f, 0f, 0f }, values);

        evaluator.Write("bn1.running_mean", [1, 2, 3, 4]);
        CollectionAssert.AreEqual(new[] { 1f, 2f, 3f, 4f }, model.Layers.OfType<BatchNorm1d>().Single().RunningMean.Span.ToArray());

        ModelEvaluation e = evaluator.Evaluate();
        EvaluationResult reference = Trainer.Evaluate(model, new SoftmaxCrossEntropyLoss(), data, 30);
        Assert.AreEqual(reference.Loss, e.Loss, 1e-6, "batching does not change the mean");
        Assert.AreEqual(reference.Accuracy, e.Accuracy, 1e-12);
        Assert.IsTrue(model.IsTraining, "the training mode is restored");
    }

    [TestMethod]
    public void Unknown_tensor_names_list_the_known_ones()
    {
        var (model, _, _, test) = SmallModels.BlobMlp();
        var evaluator = new SequentialModelEvaluator(model, new SoftmaxCrossEntropyLoss(), test);
        KeyNotFoundException e = Assert.ThrowsExactly<KeyNotFoundException>(() => evaluator.Read("fc9.weight", new float[1]));
        StringAssert.Contains(e.Message, "fc1.weight");
        Assert.ThrowsExactly<ArgumentException>(() => evaluator.Write("fc1.weight", new float[1]));
    }

    [TestMethod]
    public void Evaluation_subset_is_seeded()
    {
        (Dataset data, _) = SyntheticTasks.GaussianBlobs(500, 3, 1).Split(0.2, 1);
        Dataset a = EvaluationSet.Sample(data, 50, 7), b = EvaluationSet.Sample(data, 50, 7), c = EvaluationSet.Sample(data, 50, 8);
        CollectionAssert.AreEqual(a.Features.Span.ToArray(), b.Features.Span.ToArray());
        CollectionAssert.AreNotEqual(a.Features.Span.ToArray(), c.Features.Span.ToArray());
        Assert.AreEqual(50, a.Count);
        Assert.AreSame(data, EvaluationSet.Sample(data, 10_000, 7), "asking for more than there is gives the whole set");
    }
}
