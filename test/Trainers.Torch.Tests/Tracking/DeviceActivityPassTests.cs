using MLGradientInsight.Trainers.Models;
using MLGradientInsight.Trainers.Torch.Models;
using MLGradientInsight.Trainers.Torch.Tracking;
using MLGradientInsight.Transforms.Activity;
using TorchSharp;
using static TorchSharp.torch;

namespace MLGradientInsight.Trainers.Torch.Tests.Tracking;

using Tensor = TorchSharp.torch.Tensor;

/// <summary>
/// The device-operations pass (<see cref="TorchTrackingMode.DeviceOps"/>), forced on CPU tensors because no CUDA build of
/// TorchSharp is served: it must give the host kernel's records (to 1e-5) over warm-up, thresholds, grouping, root scaling,
/// unit detail, weight statistics and injected NaN/∞ gradients.
/// </summary>
[TestClass]
public sealed class DeviceActivityPassTests
{
    private const double Tolerance = 1e-5;
    private static readonly int[] s_sizes = [8, 16, 12, 3];

    [TestMethod]
    [DataRow(ActivityGrouping.Element, ActivityDetail.Layer, 1f, 0.01f, false, DisplayName = "element, defaults")]
    [DataRow(ActivityGrouping.Element, ActivityDetail.Unit, 2f, 0.5f, false, DisplayName = "element, unit detail, square root, high relative threshold")]
    [DataRow(ActivityGrouping.Element, ActivityDetail.Layer, 3f, 0.01f, true, DisplayName = "element, cube root, per tensor")]
    [DataRow(ActivityGrouping.Unit, ActivityDetail.Unit, 1f, 0.2f, false, DisplayName = "unit grouping, unit detail")]
    [DataRow(ActivityGrouping.Tensor, ActivityDetail.Layer, 2f, 0.01f, false, DisplayName = "tensor grouping")]
    public void Device_ops_give_the_host_kernels_records_on_an_mlp(ActivityGrouping grouping, ActivityDetail detail, float root, float relative, bool perTensor)
    {
        var options = new GradientActivityOptions
        {
            WarmupSteps = 3,
            Grouping = grouping,
            Detail = detail,
            RootExponent = root,
            RelativeThreshold = relative,
            PerTensor = perTensor,
        };
        using var model = TorchModels.Mlp(s_sizes, Activation.Tanh, seed: 21);
        RunSideBySide(model, options, steps: 40, images: false);
    }

    [TestMethod]
    [DataRow(ActivityGrouping.Element, DisplayName = "element")]
    [DataRow(ActivityGrouping.Unit, DisplayName = "unit")]
    public void Device_ops_give_the_host_kernels_records_on_lenet5(ActivityGrouping grouping)
    {
        var options = new GradientActivityOptions { WarmupSteps = 2, Grouping = grouping, Detail = ActivityDetail.Unit, RootExponent = 2f };
        using var model = TorchModels.LeNet5(seed: 22);
        RunSideBySide(model, options, steps: 12, images: true);
    }

    [TestMethod]
    public void Auto_picks_the_host_kernel_on_the_cpu_and_device_ops_can_be_forced()
    {
        using var model = TorchModels.Mlp(s_sizes, Activation.ReLU, seed: 23);
        using (var auto = TorchActivityTracker.Attach(model))
        {
            Assert.AreEqual(TorchTrackingMode.HostKernel, auto.ActiveMode);
        }

        using var forced = TorchActivityTracker.Attach(model, mode: TorchTrackingMode.DeviceOps);
        Assert.AreEqual(TorchTrackingMode.DeviceOps, forced.ActiveMode);
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => TorchActivityTracker.Attach(model, mode: (TorchTrackingMode)7));
    }

    [TestMethod]
    public void State_tensors_outlive_the_users_dispose_scope_and_step_temporaries_do_not_leak_into_it()
    {
        using var model = TorchModels.Mlp(s_sizes, Activation.Tanh, seed: 24);
        using var optimizer = optim.SGD(model.parameters(), 0.05);
        var options = new GradientActivityOptions { WarmupSteps = 2 };
        var hostSink = new InMemoryActivitySink();
        var deviceSink = new InMemoryActivitySink();
        using var host = TorchActivityTracker.Attach(model, hostSink, optimizer, options, TorchTrackingMode.HostKernel);
        TorchActivityTracker device;
        using (DisposeScope attachScope = NewDisposeScope())
        {
            device = TorchActivityTracker.Attach(model, deviceSink, optimizer, options, TorchTrackingMode.DeviceOps);
        }

        using (device)
        {
            for (int step = 1; step <= 8; step++)
            {
                using DisposeScope user = NewDisposeScope();
                float loss = Backward(model, optimizer, step, images: false);
                int before = user.DisposablesCount;
                host.Observe(loss);
                device.Observe(loss);
                Assert.AreEqual(before, user.DisposablesCount, $"step {step}: the tracker left tensors in the user's scope");
                optimizer.step();
            }
        }

        host.Flush();
        AssertSameRecords(hostSink, deviceSink);
    }

    [TestMethod]
    public void Refresh_moves_the_device_state_and_switching_modes_mid_run_keeps_the_state()
    {
        using var model = TorchModels.Mlp(s_sizes, Activation.Tanh, seed: 25);
        var options = new GradientActivityOptions { WarmupSteps = 3, Detail = ActivityDetail.Unit };
        var hostSink = new InMemoryActivitySink();
        var switchingSink = new InMemoryActivitySink();
        optim.Optimizer optimizer = optim.SGD(model.parameters(), 0.05, momentum: 0.9);
        using var host = TorchActivityTracker.Attach(model, hostSink, optimizer, options, TorchTrackingMode.HostKernel);
        using var switching = TorchActivityTracker.Attach(model, switchingSink, optimizer, options, TorchTrackingMode.DeviceOps);
        for (int step = 1; step <= 30; step++)
        {
            if (step == 8)
            {
                // A dtype round trip replaces every Parameter object, as module.to(device) does.
                optimizer.Dispose();
                model.to(ScalarType.Float64).to(ScalarType.Float32);
                optimizer = optim.SGD(model.parameters(), 0.05, momentum: 0.9);
                host.Refresh();
                switching.Refresh();
                Assert.AreEqual(TorchTrackingMode.DeviceOps, switching.ActiveMode);
            }
            else if (step == 14)
            {
                switching.SwitchMode(TorchTrackingMode.HostKernel);
                Assert.AreEqual(TorchTrackingMode.HostKernel, switching.ActiveMode);
            }
            else if (step == 20)
            {
                switching.SwitchMode(TorchTrackingMode.DeviceOps);
                Assert.AreEqual(TorchTrackingMode.DeviceOps, switching.ActiveMode);
            }

            float loss = Backward(model, optimizer, step, images: false);
            host.Observe(loss);
            switching.Observe(loss);
            optimizer.step();
        }

        optimizer.Dispose();
        host.Flush();
        switching.Flush();
        AssertSameRecords(hostSink, switchingSink);
        Assert.IsTrue(switchingSink.Records.Any(r => r.Step == 30), "records after both switches");
    }

    /// <summary>
    /// Trains <paramref name="model"/> with three trackers on the same gradients — host kernel, device ops and the managed
    /// tracker — injecting NaN and ∞ into two gradients at two steps (removed again before the update), and compares them.
    /// </summary>
    private static void RunSideBySide(nn.Module<Tensor, Tensor> model, GradientActivityOptions options, int steps, bool images)
    {
        using var optimizer = optim.SGD(model.parameters(), 0.05, momentum: 0.9);
        var hostSink = new InMemoryActivitySink();
        var deviceSink = new InMemoryActivitySink();
        var managedSink = new InMemoryActivitySink();
        using var host = TorchActivityTracker.Attach(model, hostSink, optimizer, options, TorchTrackingMode.HostKernel);
        using var device = TorchActivityTracker.Attach(model, deviceSink, optimizer, options, TorchTrackingMode.DeviceOps);
        (string Name, TorchSharp.Modules.Parameter Parameter)[] parameters = [.. model.named_parameters()];
        var managed = new GradientActivityTracker(
            [.. parameters.Select(p => new TrackedTensor(p.Name[..p.Name.LastIndexOf('.')], p.Name, [.. p.Parameter.shape.Select(d => (int)d)]))],
            options with { TrackWeightStatistics = false });
        for (int step = 1; step <= steps; step++)
        {
            float loss = Backward(model, optimizer, step, images);
            bool poison = step is 2 or 5 or 9;
            if (poison)
            {
                Poison(parameters[0].Parameter, float.NaN, step);
                Poison(parameters[^1].Parameter, step == 9 ? float.NegativeInfinity : float.PositiveInfinity, step);
            }

            bool active = host.Observe(loss);
            Assert.AreEqual(active, device.Observe(loss), $"step {step}");
            managed.BeginStep(step, 0, loss, 0.05);
            for (int i = 0; i < parameters.Length; i++)
            {
                using Tensor g = parameters[i].Parameter.grad!;
                managed.AddGradient(i, g.data<float>().ToArray());
            }

            managed.EndStep();
            managed.WriteRecords(managedSink);
            if (poison)
            {
                Poison(parameters[0].Parameter, 0f, step);
                Poison(parameters[^1].Parameter, 0f, step);
            }

            optimizer.step();
        }

        host.Flush();
        device.Flush();
        Assert.IsTrue(deviceSink.Records.Any(r => r.Step == 9 && r.Layer == ActivityRecord.NetworkLayer && r.NonFiniteCount == 2), "the NaN/∞ of an active step are counted");
        AssertSameRecords(hostSink, deviceSink);

        // The host kernel is the managed tracker's own kernel: identical activity (weight norms are not given to the managed one).
        Assert.HasCount(managedSink.Records.Count, hostSink.Records);
        for (int r = 0; r < hostSink.Records.Count; r++)
        {
            Assert.AreEqual(managedSink.Records[r], hostSink.Records[r] with { WeightNorm = double.NaN, UpdateNorm = double.NaN }, $"record {r}");
        }
    }

    private static void AssertSameRecords(InMemoryActivitySink expected, InMemoryActivitySink actual)
    {
        Assert.IsNotEmpty(expected.Records);
        Assert.HasCount(expected.Records.Count, actual.Records);
        for (int r = 0; r < expected.Records.Count; r++)
        {
            ActivityRecord e = expected.Records[r], a = actual.Records[r];
            string where = $"record {r} (step {e.Step}, {e.Layer})";
            Assert.AreEqual((e.Run, e.Step, e.Epoch, e.Layer, e.NonFiniteCount), (a.Run, a.Step, a.Epoch, a.Layer, a.NonFiniteCount), where);
            Close(e.Activity, a.Activity, where + " activity");
            Close(e.MeanChange, a.MeanChange, where + " mean change");
            Close(e.ExcludedFraction, a.ExcludedFraction, where + " excluded fraction");
            Close(e.GradientNorm, a.GradientNorm, where + " gradient norm");
            Close(e.WeightNorm, a.WeightNorm, where + " weight norm");
            Close(e.UpdateNorm, a.UpdateNorm, where + " update norm");
            Assert.AreEqual(e.Loss, a.Loss, where);
            Assert.AreEqual(e.LearningRate, a.LearningRate, where);
        }

        Assert.HasCount(expected.Units.Count, actual.Units);
        for (int u = 0; u < expected.Units.Count; u++)
        {
            UnitActivityRecord e = expected.Units[u], a = actual.Units[u];
            Assert.AreEqual((e.Step, e.Layer, e.Unit), (a.Step, a.Layer, a.Unit), $"unit row {u}");
            Close(e.Activity, a.Activity, $"unit row {u} (step {e.Step}, {e.Layer} unit {e.Unit})");
        }
    }

    private static void Close(double expected, double actual, string what)
    {
        if (double.IsNaN(expected))
        {
            Assert.IsTrue(double.IsNaN(actual), $"{what}: expected NaN, got {actual}");
            return;
        }

        Assert.AreEqual(expected, actual, Tolerance * Math.Max(1e-3, Math.Abs(expected)), $"{what}: {expected:R} vs {actual:R}");
    }

    /// <summary>zero_grad, forward on a seeded batch, backward; returns the loss.</summary>
    private static float Backward(nn.Module<Tensor, Tensor> model, optim.Optimizer optimizer, int step, bool images)
    {
        using DisposeScope scope = NewDisposeScope();
        var generator = new Generator((ulong)step + 100);
        Tensor x = images ? rand([4, 1, 32, 32], generator: generator) : randn([16, s_sizes[0]], generator: generator);
        Tensor y = randint(images ? 10 : s_sizes[^1], [images ? 4 : 16], generator: generator);
        optimizer.zero_grad();
        Tensor loss = nn.functional.cross_entropy(model.call(x), y);
        loss.backward();
        return loss.item<float>();
    }

    /// <summary>Writes <paramref name="value"/> into one gradient element chosen by the step.</summary>
    private static void Poison(TorchSharp.Modules.Parameter parameter, float value, int step)
    {
        using Tensor g = parameter.grad!;
        using Tensor flat = g.view(-1);
        using Tensor element = flat[step % flat.shape[0]];
        element.fill_(value);
    }
}
