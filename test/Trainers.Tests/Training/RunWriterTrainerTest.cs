using MLGradientInsight.Trainers.Data;
using MLGradientInsight.Trainers.Layers;
using MLGradientInsight.Trainers.Losses;
using MLGradientInsight.Trainers.Optimizers;
using MLGradientInsight.Trainers.Training;
using MLGradientInsight.Trainers.Tests.Data;
using MLGradientInsight.Transforms.Store;

namespace MLGradientInsight.Trainers.Tests.Training;

[TestClass]
public sealed class RunWriterTrainerTest
{
    [TestMethod]
    public void Trainer_hooks_record_every_step_and_epoch_as_the_trainer_reports_them()
    {
        using var folder = new TempDirectory();
        RunStore store = RunStore.Open(folder.File("runs.db"));
        var random = new Random(7);
        var model = new Sequential("net", new Linear("fc1", 2, 4, random), new Tanh("act1"), new Linear("fc2", 4, 2, random));
        var features = new Tensor(48, 2);
        var targets = new Tensor(48);
        for (int i = 0; i < 48; i++)
        {
            features[i, 0] = (float)random.NextDouble() - (i % 2);
            features[i, 1] = (float)random.NextDouble();
            targets.Span[i] = i % 2;
        }

        var data = new Dataset("points", features, targets, 2);
        var trainer = new Trainer(model, new SoftmaxCrossEntropyLoss(), new Sgd(model.Parameters, 0.05f), new TrainerOptions { Epochs = 2, BatchSize = 16 });
        var losses = new List<(long Step, float Loss)>();
        TrainingResult result;
        RunWriter writer = store.StartRun("hooked", """{"epochs": 2}""", "fc1 → tanh → fc2");
        using (writer)
        using (trainer.OnStepCompleted((in TrainingStepContext context) =>
        {
            losses.Add((context.Step, context.Loss));
            writer.WriteStep(context);
        }))
        using (trainer.OnEpochCompleted(writer.WriteEpoch))
        {
            result = trainer.Fit(data, validation: data);
            writer.Complete();
        }

        IReadOnlyList<StepRecord> steps = store.ReadSteps(writer.RunId);
        IReadOnlyList<EpochRecord> epochs = store.ReadEpochs(writer.RunId);

        Assert.AreEqual(result.Steps, (long)steps.Count);
        CollectionAssert.AreEqual(losses.Select(l => (l.Step, (double)l.Loss)).ToArray(), steps.Select(s => (s.Step, s.Loss)).ToArray());
        Assert.IsTrue(steps.All(s => s.LearningRate == 0.05f && s.StepMilliseconds >= 0 && s.Epoch is 1 or 2));
        Assert.HasCount(result.Epochs.Count, epochs);
        for (int i = 0; i < epochs.Count; i++)
        {
            EpochSummary expected = result.Epochs[i];
            Assert.AreEqual(
                (expected.Epoch, expected.TrainLoss, expected.TrainAccuracy, expected.ValidationLoss, expected.ValidationAccuracy),
                (epochs[i].Epoch, epochs[i].TrainLoss, epochs[i].TrainAccuracy, epochs[i].ValidationLoss, epochs[i].ValidationAccuracy));
        }
    }
}
