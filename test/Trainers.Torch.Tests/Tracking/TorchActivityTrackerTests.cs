using System.Runtime.InteropServices;
using MLGradientInsight.Trainers.Models;
using MLGradientInsight.Trainers.Torch.Models;
using MLGradientInsight.Trainers.Torch.Tracking;
using MLGradientInsight.Transforms.Activity;
using MLGradientInsight.Transforms.Store;
using TorchSharp;
using static TorchSharp.torch;

namespace MLGradientInsight.Trainers.Torch.Tests.Tracking;

using Tensor = TorchSharp.torch.Tensor;

[TestClass]
public sealed class TorchActivityTrackerTests
{
    private static readonly int[] s_sizes = [8, 16, 12, 3];

    [TestMethod]
    public void Names_layers_and_units_come_from_named_parameters_and_weight_shapes()
    {
        using var model = TorchModels.LeNet5(seed: 1);
        using var tracking = TorchActivityTracker.Attach(model, options: new GradientActivityOptions { Grouping = ActivityGrouping.Unit });

        CollectionAssert.AreEqual(model.named_parameters().Select(p => p.name).ToArray(), tracking.ParameterNames.ToArray());
        GradientActivityTracker t = tracking.Tracker;
        CollectionAssert.AreEqual(new[] { "conv1", "conv2", "fc1", "fc2", "fc3" }, Enumerable.Range(0, t.LayerCount).Select(t.LayerName).ToArray());
        CollectionAssert.AreEqual(new[] { 6, 16, 120, 84, 10 }, Enumerable.Range(0, t.LayerCount).Select(t.UnitCount).ToArray());
    }

    [TestMethod]
    public void Activity_is_exactly_the_managed_trackers_on_the_same_gradients()
    {
        using var model = TorchModels.Mlp(s_sizes, Activation.Tanh, seed: 3);
        using var optimizer = optim.SGD(model.parameters(), 0.05, momentum: 0.9);
        var sink = new InMemoryActivitySink();
        var options = new GradientActivityOptions { WarmupSteps = 3, TrackWeightStatistics = false };
        using var tracking = TorchActivityTracker.Attach(model, sink, optimizer, options);
        var reference = new GradientActivityTracker(
            [.. model.named_parameters().Select(p => new TrackedTensor(p.name[..p.name.LastIndexOf('.')], p.name, [.. p.parameter.shape.Select(d => (int)d)]))],
            options);
        var expected = new InMemoryActivitySink();

        for (int step = 1; step <= 12; step++)
        {
            float loss = TrainStep(model, optimizer, step, beforeUpdate: () => { });
            Assert.AreEqual(step > 4, tracking.Observe(loss));
            reference.BeginStep(step, 0, loss, 0.05);
            int i = 0;
            foreach ((string _, TorchSharp.Modules.Parameter p) in model.named_parameters())
            {
                using Tensor g = p.grad!;
                reference.AddGradient(i++, g.data<float>().ToArray());
            }

            reference.EndStep();
            reference.WriteRecords(expected);
            optimizer.step();
        }

        Assert.HasCount(expected.Records.Count, sink.Records);
        Assert.IsNotEmpty(sink.Records);
        for (int r = 0; r < sink.Records.Count; r++)
        {
            Assert.AreEqual(expected.Records[r], sink.Records[r], $"record {r}");
        }

        Assert.IsTrue(sink.Records.All(r => r.LearningRate == 0.05), "the learning rate is read from the optimizer's first group");
    }

    [TestMethod]
    public void Weight_and_update_norms_describe_the_optimizer_step_after_the_observation()
    {
        using var model = TorchModels.Mlp(s_sizes, Activation.ReLU, seed: 4);
        using var optimizer = optim.SGD(model.parameters(), 0.1);
        var sink = new InMemoryActivitySink();
        using var tracking = TorchActivityTracker.Attach(model, sink, optimizer, new GradientActivityOptions { WarmupSteps = 1 });
        float[] before = [];
        for (int step = 1; step <= 3; step++)
        {
            float loss = TrainStep(model, optimizer, step, beforeUpdate: () => { });
            tracking.Observe(loss, learningRate: 0.1);
            before = Fc1Weights(model);
            optimizer.step();
        }

        Assert.IsEmpty(sink.Records.Where(r => r.Step == 3), "step 3's records wait for its update");
        tracking.Flush();
        float[] after = Fc1Weights(model);
        ActivityRecord fc1 = sink.Records.Single(r => r.Step == 3 && r.Layer == "fc1");
        double update = Math.Sqrt(before.Zip(after, (a, b) => (double)(a - b) * (a - b)).Sum());
        double norm = Math.Sqrt(after.Sum(v => (double)v * v));
        Assert.AreEqual(update, fc1.UpdateNorm, 1e-5 * update);
        Assert.AreEqual(norm, fc1.WeightNorm, 1e-5 * norm);
        Assert.IsGreaterThan(0.0, update);
    }

    [TestMethod]
    public void Each_layer_records_the_learning_rate_of_its_parameter_group()
    {
        using var model = TorchModels.Mlp(s_sizes, Activation.ReLU, seed: 10);
        TorchSharp.Modules.Parameter[] p = [.. model.parameters()];
        using var optimizer = optim.SGD([new TorchSharp.Modules.SGD.ParamGroup(p[..4], lr: 0.1), new TorchSharp.Modules.SGD.ParamGroup(p[4..], lr: 0.01)], 0.5);
        var sink = new InMemoryActivitySink();
        using var tracking = TorchActivityTracker.Attach(model, sink, optimizer, new GradientActivityOptions { WarmupSteps = 1, TrackWeightStatistics = false });
        for (int step = 1; step <= 3; step++)
        {
            tracking.Observe(TrainStep(model, optimizer, step, () => { }));
            optimizer.step();
        }

        Assert.IsTrue(sink.Records.Where(r => r.Layer is "fc1" or "fc2").All(r => r.LearningRate == 0.1));
        Assert.IsTrue(sink.Records.Where(r => r.Layer == "fc3").All(r => r.LearningRate == 0.01));
        Assert.IsNotEmpty(sink.Records.Where(r => r.Layer == "fc3"));
    }

    [TestMethod]
    public void Observing_before_backward_names_the_parameter_without_gradient()
    {
        using var model = TorchModels.Mlp(s_sizes, Activation.ReLU, seed: 5);
        using var tracking = TorchActivityTracker.Attach(model);
        var e = Assert.ThrowsExactly<InvalidOperationException>(() => tracking.Observe(1.0));
        StringAssert.Contains(e.Message, "fc1.weight");
        StringAssert.Contains(e.Message, "backward");
    }

    [TestMethod]
    public void Refresh_follows_parameters_replaced_by_module_to()
    {
        using var model = TorchModels.Mlp(s_sizes, Activation.ReLU, seed: 6);
        using var tracking = TorchActivityTracker.Attach(model, options: new GradientActivityOptions { WarmupSteps = 1 });
        using (var optimizer = optim.SGD(model.parameters(), 0.1))
        {
            tracking.Observe(TrainStep(model, optimizer, 1, () => { }));
        }

        // A dtype round trip replaces every Parameter object, as moving to another device does.
        model.to(ScalarType.Float64).to(ScalarType.Float32);
        using var fresh = optim.SGD(model.parameters(), 0.1);
        float loss = TrainStep(model, fresh, 2, () => { });
        Assert.ThrowsExactly<InvalidOperationException>(() => tracking.Observe(loss), "the old Parameter objects have no gradient");

        tracking.Refresh();
        tracking.Observe(loss);
        Assert.AreEqual(2L, tracking.Tracker.ObservedSteps, "the failed call did not count");
    }

    [TestMethod]
    public void A_step_allocates_nothing_beyond_the_gradient_wrappers()
    {
        using var model = TorchModels.LeNet5(seed: 7);
        using var optimizer = optim.SGD(model.parameters(), 0.01);
        using var tracking = TorchActivityTracker.Attach(model, sink: null, optimizer, new GradientActivityOptions { WarmupSteps = 2, MaxDegreeOfParallelism = 1 });
        TorchSharp.Modules.Parameter[] parameters = [.. model.parameters()];
        TrainStep(model, optimizer, 1, () => { }, images: true);
        for (int i = 0; i < 5; i++)
        {
            tracking.Observe(1.0);
        }

        const int Repeats = 50;
        long start = GC.GetAllocatedBytesForCurrentThread();
        for (int r = 0; r < Repeats; r++)
        {
            foreach (TorchSharp.Modules.Parameter p in parameters)
            {
                using Tensor g = p.grad!;
                _ = MemoryMarshal.Cast<byte, float>(g.bytes).Length;
            }
        }

        long wrappers = GC.GetAllocatedBytesForCurrentThread() - start;
        start = GC.GetAllocatedBytesForCurrentThread();
        for (int r = 0; r < Repeats; r++)
        {
            tracking.Observe(1.0);   // the learning rate read from the optimizer's groups, too
        }

        long tracked = GC.GetAllocatedBytesForCurrentThread() - start;
        Assert.IsGreaterThan(0L, wrappers, "TorchSharp allocates a wrapper per grad access");
        Assert.IsLessThanOrEqualTo(wrappers, tracked, $"tracked steps allocated {tracked} B, the wrappers alone {wrappers} B ({parameters.Length} parameters × {Repeats} steps)");
    }

    [TestMethod]
    public void A_run_writer_sink_records_steps_and_activity_in_the_store()
    {
        string path = Path.Combine(Path.GetTempPath(), $"mlgi-torch-{Guid.NewGuid():N}.db");
        try
        {
            RunStore store = RunStore.Open(path);
            string runId;
            using (RunWriter writer = store.StartRun("torchsharp mlp"))
            {
                runId = writer.RunId;
                using var model = TorchModels.Mlp(s_sizes, Activation.ReLU, seed: 8);
                using var optimizer = optim.Adam(model.parameters(), 0.01);
                using (var tracking = TorchActivityTracker.Attach(model, writer, optimizer, new GradientActivityOptions { WarmupSteps = 2 }))
                {
                    tracking.Epoch = 1;
                    for (int step = 1; step <= 6; step++)
                    {
                        tracking.Observe(TrainStep(model, optimizer, step, () => { }));
                        optimizer.step();
                    }
                }

                writer.Complete();
            }

            Assert.AreEqual(RunStatus.Completed, store.GetRun(runId).Status);
            Assert.HasCount(6, store.ReadSteps(runId));
            ActivityRecord[] rows = [.. store.ReadActivity(runId)];
            CollectionAssert.AreEquivalent(new[] { "network", "fc1", "fc2", "fc3" }, rows.Select(r => r.Layer).Distinct().ToArray());
            CollectionAssert.AreEqual(new long[] { 4, 5, 6 }, rows.Select(r => r.Step).Distinct().Order().ToArray(), "steps after the warm-up, the last written at dispose");
            Assert.IsTrue(rows.All(r => r.Run == runId && r.Epoch == 1 && double.IsFinite(r.Activity) && double.IsFinite(r.UpdateNorm)));
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            foreach (string f in Directory.GetFiles(Path.GetDirectoryName(path)!, Path.GetFileName(path) + "*"))
            {
                File.Delete(f);
            }
        }
    }

    [TestMethod]
    public void A_disposed_tracker_refuses_to_observe()
    {
        using var model = TorchModels.Mlp(s_sizes, Activation.ReLU, seed: 9);
        var tracking = TorchActivityTracker.Attach(model);
        tracking.Dispose();
        Assert.ThrowsExactly<ObjectDisposedException>(() => tracking.Observe(1.0));
    }

    /// <summary>zero_grad, forward on a seeded batch, backward; returns the loss. The caller observes and steps.</summary>
    private static float TrainStep(nn.Module<Tensor, Tensor> model, optim.Optimizer optimizer, int step, Action beforeUpdate, bool images = false)
    {
        using DisposeScope scope = NewDisposeScope();
        var generator = new Generator((ulong)step);
        Tensor x = images ? rand([4, 1, 32, 32], generator: generator) : randn([16, s_sizes[0]], generator: generator);
        Tensor y = randint(images ? 10 : s_sizes[^1], [images ? 4 : 16], generator: generator);
        optimizer.zero_grad();
        Tensor loss = nn.functional.cross_entropy(model.call(x), y);
        loss.backward();
        beforeUpdate();
        return loss.item<float>();
    }

    /// <summary>fc1.weight and fc1.bias: the tensors of layer fc1.</summary>
    private static float[] Fc1Weights(nn.Module model)
    {
        return [.. model.named_parameters().Where(p => p.name.StartsWith("fc1.", StringComparison.Ordinal)).SelectMany(p => p.parameter.data<float>().ToArray())];
    }
}
