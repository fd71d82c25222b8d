using MLGradientInsight.Trainers.Data;
using MLGradientInsight.Trainers.Layers;
using MLGradientInsight.Trainers.Losses;
using MLGradientInsight.Trainers.Optimizers;
using MLGradientInsight.Trainers.Training;
using MLGradientInsight.Trainers.Tests.Data;
using MLGradientInsight.Transforms.Activity;
using MLGradientInsight.Transforms.Store;

namespace MLGradientInsight.Trainers.Tests.Training;

[TestClass]
public sealed class ActivityTrackingTest
{
    private static Dataset Blobs(int n, int seed)
    {
        var rng = new Random(seed);
        var x = new Tensor(n, 4);
        var y = new Tensor(n);
        for (int i = 0; i < n; i++)
        {
            int c = i % 3;
            for (int j = 0; j < 4; j++)
            {
                x[i, j] = (float)((j == c ? 1 : 0) + (rng.NextDouble() - 0.5));
            }

            y.Span[i] = c;
        }

        return new Dataset("blobs", x, y, 3);
    }

    [TestMethod]
    public void Attach_ToTrainer_WritesNetworkRowPlusOnePerLayer_PerStepAfterWarmup()
    {
        var rng = new Random(1);
        var model = new Sequential("net", new Linear("fc1", 4, 6, rng), new ReLU("act"), new Linear("fc2", 6, 3, rng));
        const float lr = 0.1f;
        var trainer = new Trainer(model, new SoftmaxCrossEntropyLoss(), new Sgd(model.Parameters, lr), new TrainerOptions { Epochs = 2, BatchSize = 16, Seed = 2 });
        var tracker = model.CreateActivityTracker(new GradientActivityOptions { WarmupSteps = 3, RunId = "t" });
        var sink = new InMemoryActivitySink();
        using (tracker.Attach(trainer, sink))
        {
            Assert.ThrowsExactly<InvalidOperationException>(() => tracker.Attach(trainer, sink));
            trainer.Fit(Blobs(160, 4));                     // 10 steps per epoch ⇒ 20 steps
        }

        Assert.HasCount((20 - 4) * 3, sink.Records);
        for (int k = 0; k < sink.Records.Count; k += 3)
        {
            long step = 5 + (k / 3);
            Assert.AreEqual(step, sink.Records[k].Step);
            Assert.AreEqual(ActivityRecord.NetworkLayer, sink.Records[k].Layer);
            Assert.AreEqual("fc1", sink.Records[k + 1].Layer);
            Assert.AreEqual("fc2", sink.Records[k + 2].Layer);
            Assert.AreEqual(step <= 10 ? 1 : 2, sink.Records[k].Epoch);
            foreach (ActivityRecord r in sink.Records.Skip(k).Take(3))
            {
                Assert.AreEqual(step, r.Step);
                Assert.AreEqual("t", r.Run);
                Assert.IsTrue(double.IsFinite(r.Activity));
                Assert.IsTrue(double.IsFinite(r.Loss));
                Assert.AreEqual(lr, r.LearningRate, 1e-7);
                Assert.IsGreaterThan(0.0, r.WeightNorm);

                // Plain SGD: θ_after − θ_before = −lr·g, so ‖update‖ = lr·‖g‖.
                Assert.AreEqual(lr * r.GradientNorm, r.UpdateNorm, 1e-4 * r.UpdateNorm + 1e-9);
            }

            double layers = Math.Sqrt((sink.Records[k + 1].WeightNorm * sink.Records[k + 1].WeightNorm) + (sink.Records[k + 2].WeightNorm * sink.Records[k + 2].WeightNorm));
            Assert.AreEqual(layers, sink.Records[k].WeightNorm, 1e-6 * layers);
        }

        // Detached: further training adds nothing.
        int count = sink.Records.Count;
        trainer.Fit(Blobs(32, 5));
        Assert.HasCount(count, sink.Records);
    }

    [TestMethod]
    public void Attach_RejectsAModelWithAnotherLayout()
    {
        var rng = new Random(1);
        var model = new Sequential("net", new Linear("fc1", 4, 6, rng));
        var other = new Sequential("net", new Linear("fc1", 4, 5, rng));
        var trainer = new Trainer(model, new SoftmaxCrossEntropyLoss(), new Sgd(model.Parameters, 0.1f));
        var tracker = other.CreateActivityTracker();
        ArgumentException e = Assert.ThrowsExactly<ArgumentException>(() => tracker.Attach(trainer, new InMemoryActivitySink()));
        StringAssert.Contains(e.Message, "fc1.weight");
    }

    [TestMethod]
    public void Unit_detail_reaches_a_run_writer_attached_as_the_sink_on_every_step()
    {
        var rng = new Random(1);
        var model = new Sequential("net", new Linear("fc1", 4, 6, rng), new ReLU("act"), new Linear("fc2", 6, 3, rng));
        var trainer = new Trainer(model, new SoftmaxCrossEntropyLoss(), new Sgd(model.Parameters, 0.1f), new TrainerOptions { Epochs = 1, BatchSize = 16, Seed = 2 });
        GradientActivityTracker tracker = model.CreateActivityTracker(new GradientActivityOptions { WarmupSteps = 2, Detail = ActivityDetail.Unit });
        using var folder = new TempDirectory();
        RunStore store = RunStore.Open(folder.File("runs.db"));
        RunWriter writer = store.StartRun("units");
        TrainingResult result;
        using (writer)
        using (tracker.Attach(trainer, writer))
        {
            result = trainer.Fit(Blobs(160, 4));                              // 10 steps, 7 after warm-up
            writer.Complete();
        }

        Assert.AreEqual(TrainingStatus.Completed, result.Status);
        List<UnitActivityRecord> units = [.. store.ReadUnitActivity(writer.RunId)];
        Assert.HasCount(7 * (6 + 3), units);
        CollectionAssert.AreEqual(Enumerable.Range(4, 7).Select(s => (long)s).ToArray(), units.Select(u => u.Step).Distinct().ToArray());
        Assert.HasCount(7 * 3, store.ReadActivity(writer.RunId).ToList());
    }

    [TestMethod]
    public void IActivitySink_has_one_method_so_a_sink_cannot_take_layer_rows_and_refuse_unit_rows()
    {
        System.Reflection.MethodInfo[] methods = typeof(IActivitySink).GetMethods();
        Assert.HasCount(1, methods);
        CollectionAssert.AreEqual(
            new[] { typeof(ReadOnlySpan<ActivityRecord>), typeof(ReadOnlySpan<UnitActivityRecord>) },
            methods[0].GetParameters().Select(p => p.ParameterType).ToArray());
        Assert.IsTrue(methods[0].IsAbstract, "no default implementation that could throw");
    }
}
