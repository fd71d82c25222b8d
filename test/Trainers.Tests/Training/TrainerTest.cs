using MLGradientInsight.Trainers;
using MLGradientInsight.Trainers.Data;
using MLGradientInsight.Trainers.Layers;
using MLGradientInsight.Trainers.Losses;
using MLGradientInsight.Trainers.Models;
using MLGradientInsight.Trainers.Optimizers;
using MLGradientInsight.Trainers.Training;

namespace MLGradientInsight.Trainers.Tests.Training;

[TestClass]
public sealed class TrainerTest
{
    private static Dataset TwoBlobs(int n, int seed)
    {
        var rng = new Random(seed);
        var x = new Tensor(n, 2);
        var y = new Tensor(n);
        for (int i = 0; i < n; i++)
        {
            int c = i % 2;
            x[i, 0] = (float)((c == 0 ? -1 : 1) + (rng.NextDouble() - 0.5));
            x[i, 1] = (float)((c == 0 ? 1 : -1) + (rng.NextDouble() - 0.5));
            y.Span[i] = c;
        }

        return new Dataset("blobs", x, y, 2);
    }

    private static Sequential SmallNet(int seed)
    {
        var rng = new Random(seed);
        return new Sequential("net", new Linear("fc1", 2, 8, rng), new Tanh("act1"), new Linear("fc2", 8, 2, rng));
    }

    [TestMethod]
    public void Fit_OnSeparableBlobs_LossFallsAndAccuracyRises()
    {
        Sequential model = SmallNet(1);
        var trainer = new Trainer(model, new SoftmaxCrossEntropyLoss(), new Sgd(model.Parameters, 0.1f), new TrainerOptions { Epochs = 5, BatchSize = 16 });
        Dataset data = TwoBlobs(256, 2);
        double before = trainer.Evaluate(data).Loss;
        TrainingResult result = trainer.Fit(data);
        EvaluationResult after = trainer.Evaluate(data);
        Assert.AreEqual(TrainingStatus.Completed, result.Status);
        Assert.IsLessThan(before * 0.5, after.Loss);
        Assert.IsGreaterThan(0.95, after.Accuracy);
        Assert.AreEqual(5 * 16, result.Steps);
    }

    [TestMethod]
    public void Disposing_one_subscription_keeps_the_same_handler_s_other_subscriptions()
    {
        Sequential model = SmallNet(1);
        var trainer = new Trainer(model, new SoftmaxCrossEntropyLoss(), new Sgd(model.Parameters, 0.1f), new TrainerOptions { Epochs = 1, BatchSize = 16 });
        Dataset data = TwoBlobs(32, 2);                                       // 2 steps per Fit
        int calls = 0;
        void Count(in TrainingStepContext c) => calls++;
        TrainingStepHandler handler = Count;
        IDisposable first = trainer.OnGradientsComputed(handler);
        IDisposable second = trainer.OnGradientsComputed(handler);
        IDisposable completed = trainer.OnStepCompleted(handler);
        int epochs = 0;
        Action<EpochSummary> onEpoch = _ => epochs++;
        IDisposable epochA = trainer.OnEpochCompleted(onEpoch);
        IDisposable epochB = trainer.OnEpochCompleted(onEpoch);

        trainer.Fit(data);
        Assert.AreEqual(2 * 3, calls);
        Assert.AreEqual(2, epochs);

        first.Dispose();
        first.Dispose();                                                      // twice: still removes one entry only
        epochA.Dispose();
        calls = epochs = 0;
        trainer.Fit(data);
        Assert.AreEqual(2 * 2, calls, "the second gradient subscription and the step subscription remain");
        Assert.AreEqual(1, epochs);

        completed.Dispose();
        calls = 0;
        trainer.Fit(data);
        Assert.AreEqual(2, calls, "only the second gradient subscription remains");

        second.Dispose();
        epochB.Dispose();
        calls = epochs = 0;
        trainer.Fit(data);
        Assert.AreEqual(0, calls);
        Assert.AreEqual(0, epochs);
    }

    [TestMethod]
    public void Hooks_SeeEveryStepInOrder_AndUnsubscribeStops()
    {
        Sequential model = SmallNet(3);
        var trainer = new Trainer(model, new SoftmaxCrossEntropyLoss(), new Sgd(model.Parameters, 0.1f), new TrainerOptions { Epochs = 1, BatchSize = 32 });
        var seen = new List<(long Step, string Phase, float W0, float G0)>();
        IDisposable a = trainer.OnGradientsComputed((in TrainingStepContext c) => seen.Add((c.Step, "grad", c.Weights(0)[0], c.Gradients(0)[0])));
        IDisposable b = trainer.OnStepCompleted((in TrainingStepContext c) => seen.Add((c.Step, "done", c.Weights(0)[0], c.Gradients(0)[0])));
        trainer.Fit(TwoBlobs(64, 4));
        Assert.HasCount(4, seen);
        Assert.AreEqual((1L, "grad"), (seen[0].Step, seen[0].Phase));
        Assert.AreEqual((1L, "done"), (seen[1].Step, seen[1].Phase));
        Assert.AreEqual(seen[0].W0 - (0.1f * seen[0].G0), seen[1].W0, 1e-6f, "the after-update hook sees θ − η·g");
        a.Dispose();
        b.Dispose();
        trainer.Fit(TwoBlobs(64, 4));
        Assert.HasCount(4, seen);
    }

    [TestMethod]
    public void Fit_WithExplodingLearningRate_StopsWithReportNamingWhere()
    {
        Sequential model = SmallNet(5);
        var trainer = new Trainer(model, new SoftmaxCrossEntropyLoss(), new Sgd(model.Parameters, 1e38f), new TrainerOptions { Epochs = 3, BatchSize = 8 });
        TrainingResult result = trainer.Fit(TwoBlobs(64, 6));
        Assert.AreEqual(TrainingStatus.NonFinite, result.Status);
        Assert.IsNotNull(result.NonFinite);
        Assert.IsTrue(result.NonFinite.Where is "loss" or "gradient" or "weights");
        Assert.IsLessThan(3 * 8, result.Steps);
    }

    [TestMethod]
    public void Fit_WithNaNFeature_StopsAtTheLossOfThatBatch()
    {
        Sequential model = SmallNet(5);
        Dataset data = TwoBlobs(16, 6);
        data.Features[3, 1] = float.NaN;
        var trainer = new Trainer(model, new SoftmaxCrossEntropyLoss(), new Sgd(model.Parameters, 0.1f), new TrainerOptions { Epochs = 1, BatchSize = 4, Shuffle = false });
        TrainingResult result = trainer.Fit(data);
        Assert.AreEqual(TrainingStatus.NonFinite, result.Status);
        Assert.AreEqual(new NonFiniteReport(1, 1, 0, "loss", null, -1, float.NaN, 1), result.NonFinite);
        Assert.AreEqual(0, result.Steps);
    }

    [TestMethod]
    public void Fit_AllocatesNothingPerStep()
    {
        Sequential model = SmallNet(11);
        var trainer = new Trainer(model, new SoftmaxCrossEntropyLoss(), new Sgd(model.Parameters, 0.05f, momentum: 0.9f), new TrainerOptions { Epochs = 1, BatchSize = 8 });
        long hookCalls = 0;
        using IDisposable hook = trainer.OnGradientsComputed((in TrainingStepContext c) => hookCalls += c.ParameterCount);
        Dataset small = TwoBlobs(8 * 10, 12), large = TwoBlobs(8 * 210, 12);
        trainer.Fit(small);
        trainer.Fit(large);

        long before = GC.GetAllocatedBytesForCurrentThread();
        trainer.Fit(small);
        long tenSteps = GC.GetAllocatedBytesForCurrentThread() - before;
        before = GC.GetAllocatedBytesForCurrentThread();
        trainer.Fit(large);
        long twoHundredTenSteps = GC.GetAllocatedBytesForCurrentThread() - before;

        // Per-run costs (order array, epoch summary, result) scale with the dataset, not the step count:
        // 200 more steps may add the larger order array (4 bytes per sample) and nothing else.
        Assert.IsLessThan(tenSteps + (8 * 200 * sizeof(int)) + 64, twoHundredTenSteps, $"10 steps: {tenSteps} B, 210 steps: {twoHundredTenSteps} B");
        Assert.IsGreaterThan(0L, hookCalls);
    }

    [TestMethod]
    public void Fit_SameSeed_IsBitIdentical()
    {
        float[] Run()
        {
            Sequential model = SmallNet(7);
            new Trainer(model, new SoftmaxCrossEntropyLoss(), new Sgd(model.Parameters, 0.05f), new TrainerOptions { Epochs = 2, BatchSize = 10, Seed = 9 }).Fit(TwoBlobs(100, 8));
            return [.. model.Parameters.SelectMany(p => p.Weights.ToArray())];
        }

        CollectionAssert.AreEqual(Run(), Run());
    }

    [TestMethod]
    public void A_regression_run_has_no_accuracy_NaN_not_zero()
    {
        (Dataset train, Dataset test) = SyntheticTasks.Curve(200, 1).Split(0.25, 1);
        Sequential model = ModelZoo.Kraidiky(1);
        var trainer = new Trainer(model, new MseLoss(), new Sgd(model.Parameters, 0.05f), new TrainerOptions { Epochs = 2, BatchSize = 16, Seed = 1 });

        TrainingResult result = trainer.Fit(train, test);

        Assert.HasCount(2, result.Epochs);
        foreach (EpochSummary e in result.Epochs)
        {
            Assert.IsTrue(double.IsNaN(e.TrainAccuracy), $"epoch {e.Epoch}: train accuracy {e.TrainAccuracy}");
            Assert.IsTrue(double.IsNaN(e.ValidationAccuracy), $"epoch {e.Epoch}: validation accuracy {e.ValidationAccuracy}");
            Assert.IsTrue(double.IsFinite(e.TrainLoss) && double.IsFinite(e.ValidationLoss), "the losses are there");
        }

        Assert.IsTrue(double.IsNaN(trainer.Evaluate(test).Accuracy));
        Assert.IsTrue(double.IsNaN(Trainer.Evaluate(model, new MseLoss(), test, 32).Accuracy));
    }
}
