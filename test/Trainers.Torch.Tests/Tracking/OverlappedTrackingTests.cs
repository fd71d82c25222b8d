using System.Runtime.InteropServices;
using MLGradientInsight.Trainers.Models;
using MLGradientInsight.Trainers.Torch.Models;
using MLGradientInsight.Trainers.Torch.Tracking;
using MLGradientInsight.Transforms.Activity;
using TorchSharp;
using static TorchSharp.torch;

namespace MLGradientInsight.Trainers.Torch.Tests.Tracking;

using Tensor = TorchSharp.torch.Tensor;

/// <summary>
/// <see cref="TorchTrackingMode.Overlapped"/>: the pass on a background thread, reading the kept gradient of the step before as
/// g_prev. The reference in every test is a synchronous tracker attached to the same module, observing the same gradients.
/// </summary>
[TestClass]
public sealed class OverlappedTrackingTests
{
    // fc1 has 300 × 1,100 = 330,000 weights: 6 chunks of 65,536, so its pass runs in parallel chunks on the worker too.
    private static readonly int[] s_sizes = [1100, 300, 24, 5];

    private static readonly GradientActivityOptions s_options = new() { WarmupSteps = 3, TrackWeightStatistics = false };

    [TestMethod]
    public void The_READMEs_overlapped_loop_runs_overlapped_and_records_every_step_after_the_warm_up()
    {
        // README.md, "Overlapped tracking": the code block below is printed there unchanged.
        torch.manual_seed(1);
        using var model = nn.Sequential(("fc1", nn.Linear(20, 256)), ("relu", nn.ReLU()), ("fc2", nn.Linear(256, 10)));
        using var optimizer = optim.SGD(model.parameters(), 0.01, momentum: 0.9);
        using Tensor x = randn(64, 20), y = randint(0, 10, 64);
        var sink = new InMemoryActivitySink();
        var options = new GradientActivityOptions { WarmupSteps = 3, TrackWeightStatistics = false, MaxDegreeOfParallelism = 1 };
        using var overlapped = TorchActivityTracker.Attach(model, sink, optimizer, options, TorchTrackingMode.Overlapped);
        overlapped.Warning += (_, message) => Console.Error.WriteLine(message);   // said once if it falls back to synchronous tracking
        for (int step = 1; step <= 20; step++)
        {
            using var scope = NewDisposeScope();
            model.zero_grad();                        // releases the gradients (set_to_none): the next backward allocates new ones
            Tensor loss = nn.functional.cross_entropy(model.call(x), y);
            loss.backward();
            overlapped.Observe(loss.item<float>());   // hands the pass to the background thread and returns
            optimizer.step();
        }

        overlapped.Flush();                           // waits for the last pass and writes its rows (Dispose does too)

        // End of the README block. Step 1 sets g_prev and steps 2–4 are the warm-up, so rows start at step 5.
        Assert.AreEqual(TorchTrackingMode.Overlapped, overlapped.ActiveMode, overlapped.OverlapFallbackReason);
        Assert.IsNull(overlapped.OverlapFallbackReason);
        CollectionAssert.AreEqual(Enumerable.Range(5, 16).Select(s => (long)s).ToArray(), sink.Records.Select(r => r.Step).Distinct().ToArray(), string.Join(",", sink.Records.Select(r => r.Step).Distinct()));
        Assert.IsTrue(sink.Records.Where(r => r.Layer == ActivityRecord.NetworkLayer).All(r => double.IsFinite(r.Activity)));
    }

    [TestMethod]
    public void TorchSharp_optimizer_zero_grad_zeroes_in_place_and_module_zero_grad_releases_the_gradients()
    {
        using var model = TorchModels.Mlp(s_sizes, Activation.Tanh, seed: 1);
        using var optimizer = optim.SGD(model.parameters(), 0.01);
        TorchSharp.Modules.Parameter first = model.parameters().First();

        Backward(model, 1);
        using (Tensor before = first.grad!)
        {
            optimizer.zero_grad();
            using Tensor after = first.grad!;
            Assert.IsTrue(Memory(before).Overlaps(Memory(after)) && Memory(before).Length == Memory(after).Length, "optimizer.zero_grad() keeps the gradient tensor");
            Assert.IsTrue(MemoryMarshal.Cast<byte, float>(after.bytes).ToArray().All(v => v == 0f), "… and zeroes it in place");
        }

        Backward(model, 2);
        using Tensor kept = first.grad!;
        model.zero_grad();
        Assert.IsNull(first.grad, "module.zero_grad() sets the gradients to None by default");
        Backward(model, 3);
        using Tensor fresh = first.grad!;
        Assert.IsFalse(Memory(kept).Overlaps(Memory(fresh)), "the next backward allocates a new gradient while the old one is kept");
        Assert.IsTrue(MemoryMarshal.Cast<byte, float>(kept.bytes).ToArray().Any(v => v != 0f), "the kept gradient keeps its values");
    }

    [TestMethod]
    public void Rows_are_those_of_synchronous_tracking_in_step_order_with_module_zero_grad_and_non_finite_steps()
    {
        using var model = TorchModels.Mlp(s_sizes, Activation.Tanh, seed: 2);
        using var optimizer = optim.SGD(model.parameters(), 0.05, momentum: 0.9);
        SideBySideRun run = SideBySide(
            model,
            optimizer,
            steps: 14,
            backward: step =>
            {
                model.zero_grad();
                float loss = Backward(model, step);
                if (step is 7 or 8)
                {
                    // A non-finite gradient value: the copying pass keeps g_prev there, the reading pass must rebuild it.
                    using Tensor g = model.parameters().First().grad!;
                    MemoryMarshal.Cast<byte, float>(g.bytes)[step] = float.NaN;
                }

                return loss;
            },
            update: step => step is not (7 or 8),   // the poisoned steps would make every later gradient NaN
            check: (step, overlapped) => Assert.AreEqual(TorchTrackingMode.Overlapped, overlapped.ActiveMode, $"step {step}"));

        Assert.IsEmpty(run.Warnings);
        Assert.IsNull(run.FallbackReason);
        Assert.AreEqual(run.ReferenceActivity, run.OverlappedActivity, "Tracker.LastStep after Flush");
        Assert.IsTrue(run.Expected.Records.Any(r => r.NonFiniteCount > 0), "non-finite steps were tracked");
        CollectionAssert.AreEqual(run.Expected.Records.ToArray(), run.Actual.Records.ToArray());
        CollectionAssert.AreEqual(Enumerable.Range(5, 10).Select(s => (long)s).ToArray(), run.Actual.Records.Select(r => r.Step).Distinct().ToArray(), "in step order");
    }

    [TestMethod]
    public void A_loop_that_zeroes_in_place_is_detected_at_step_two_and_tracked_synchronously_without_loss()
    {
        using var model = TorchModels.Mlp(s_sizes, Activation.ReLU, seed: 3);
        using var optimizer = optim.Adam(model.parameters(), 0.001);
        SideBySideRun run = SideBySide(model, optimizer, steps: 9, backward: step =>
        {
            optimizer.zero_grad();
            return Backward(model, step);
        });

        Assert.AreEqual(TorchTrackingMode.HostKernel, run.FinalMode);
        Assert.HasCount(1, run.Warnings, "said once");
        Assert.AreEqual(run.FallbackReason, run.Warnings[0]);
        StringAssert.Contains(run.Warnings[0], "step 2");
        StringAssert.Contains(run.Warnings[0], "module.zero_grad()");
        StringAssert.Contains(run.Warnings[0], "nothing was lost");
        Assert.IsNotEmpty(run.Expected.Records);
        CollectionAssert.AreEqual(run.Expected.Records.ToArray(), run.Actual.Records.ToArray());
    }

    [TestMethod]
    public void A_loop_that_starts_zeroing_in_place_later_is_reported_and_the_warmup_restarts()
    {
        using var model = TorchModels.Mlp(s_sizes, Activation.ReLU, seed: 4);
        using var optimizer = optim.SGD(model.parameters(), 0.01);
        var sink = new InMemoryActivitySink();
        var warnings = new List<string>();
        const int Switch = 7;
        using (var overlapped = TorchActivityTracker.Attach(model, sink, optimizer, s_options, TorchTrackingMode.Overlapped))
        {
            overlapped.Warning += (_, message) => warnings.Add(message);
            for (int step = 1; step <= 14; step++)
            {
                if (step < Switch)
                {
                    model.zero_grad();
                }
                else
                {
                    optimizer.zero_grad();
                }

                float loss = Backward(model, step);
                overlapped.Observe(loss);
                optimizer.step();
                Assert.AreEqual(step < Switch ? TorchTrackingMode.Overlapped : TorchTrackingMode.HostKernel, overlapped.ActiveMode, $"step {step}");
            }
        }

        Assert.HasCount(1, warnings);
        StringAssert.Contains(warnings[0], $"step {Switch}");
        StringAssert.Contains(warnings[0], $"activity of step {Switch - 1} may be wrong");
        StringAssert.Contains(warnings[0], "restarts its warm-up");
        long[] steps = [.. sink.Records.Select(r => r.Step).Distinct()];
        int warmup = s_options.WarmupSteps;
        CollectionAssert.AreEqual(
            Enumerable.Range(warmup + 2, Switch - warmup - 2).Concat(Enumerable.Range(Switch + warmup + 1, 14 - Switch - warmup)).Select(s => (long)s).ToArray(),
            steps,
            "rows up to the step before the switch, then none until a new warm-up from the switch is over");
    }

    [TestMethod]
    public void A_gradient_that_is_not_contiguous_stops_overlapping_and_restarts_the_warmup()
    {
        using var model = TorchModels.Mlp(s_sizes, Activation.ReLU, seed: 8);
        using var optimizer = optim.SGD(model.parameters(), 0.01);
        TorchSharp.Modules.Parameter fc1 = model.parameters().First();
        var sink = new InMemoryActivitySink();
        var warnings = new List<string>();
        using (var overlapped = TorchActivityTracker.Attach(model, sink, optimizer, s_options, TorchTrackingMode.Overlapped))
        {
            overlapped.Warning += (_, message) => warnings.Add(message);
            for (int step = 1; step <= 12; step++)
            {
                model.zero_grad();
                float loss = Backward(model, step);
                if (step == 6)
                {
                    // Same shape and values, transposed strides.
                    using Tensor g = fc1.grad!;
                    fc1.grad = g.t().contiguous().t();
                }

                overlapped.Observe(loss);
                optimizer.step();
            }

            Assert.AreEqual(TorchTrackingMode.HostKernel, overlapped.ActiveMode);
        }

        Assert.HasCount(1, warnings);
        StringAssert.Contains(warnings[0], "not contiguous");
        StringAssert.Contains(warnings[0], "restarts its warm-up");
        CollectionAssert.AreEqual(new long[] { 5, 10, 11, 12 }, sink.Records.Select(r => r.Step).Distinct().ToArray(), "a new warm-up from step 6");
    }

    [TestMethod]
    public void Overlapped_mode_refuses_weight_statistics_naming_the_option()
    {
        using var model = TorchModels.Mlp(s_sizes, Activation.ReLU, seed: 5);
        var e = Assert.ThrowsExactly<ArgumentException>(
            () => TorchActivityTracker.Attach(model, options: new GradientActivityOptions(), mode: TorchTrackingMode.Overlapped));
        Assert.AreEqual("options", e.ParamName);
        StringAssert.Contains(e.Message, "TrackWeightStatistics = false");
    }

    [TestMethod]
    public void Flush_dispose_and_refresh_wait_for_the_background_pass()
    {
        using var model = TorchModels.Mlp(s_sizes, Activation.Tanh, seed: 6);
        using var optimizer = optim.SGD(model.parameters(), 0.01);
        var sink = new InMemoryActivitySink();
        var tracking = TorchActivityTracker.Attach(model, sink, optimizer, s_options with { WarmupSteps = 1 }, TorchTrackingMode.Overlapped);
        for (int step = 1; step <= 3; step++)
        {
            model.zero_grad();
            tracking.Observe(Backward(model, step));
            optimizer.step();
        }

        tracking.Refresh();
        Assert.AreEqual(3L, sink.Records.Max(r => r.Step), "Refresh wrote step 3's rows");
        model.zero_grad();
        tracking.Observe(Backward(model, 4));
        Assert.AreEqual(3L, sink.Records.Max(r => r.Step));
        tracking.Dispose();
        Assert.AreEqual(4L, sink.Records.Max(r => r.Step), "Dispose wrote the last step's rows");
        Assert.ThrowsExactly<ObjectDisposedException>(() => tracking.Observe(1.0));
    }

    [TestMethod]
    public void An_overlapped_step_allocates_nothing_on_the_training_thread_beyond_the_gradient_wrappers()
    {
        using var model = TorchModels.Mlp(s_sizes, Activation.ReLU, seed: 7);
        using var optimizer = optim.SGD(model.parameters(), 0.01);
        TorchSharp.Modules.Parameter[] parameters = [.. model.parameters()];
        using var tracking = TorchActivityTracker.Attach(model, sink: null, optimizer, s_options with { MaxDegreeOfParallelism = 1 }, TorchTrackingMode.Overlapped);
        long wrappers = 0, tracked = 0;
        for (int step = 1; step <= 30; step++)
        {
            model.zero_grad();
            float loss = Backward(model, step);
            long start = GC.GetAllocatedBytesForCurrentThread();
            foreach (TorchSharp.Modules.Parameter p in parameters)
            {
                using Tensor g = p.grad!;
                _ = g.bytes.Length;
            }

            long afterWrappers = GC.GetAllocatedBytesForCurrentThread();
            tracking.Observe(loss);
            long afterObserve = GC.GetAllocatedBytesForCurrentThread();
            if (step > 10)
            {
                wrappers += afterWrappers - start;
                tracked += afterObserve - afterWrappers;
            }

            optimizer.step();
        }

        Assert.AreEqual(TorchTrackingMode.Overlapped, tracking.ActiveMode);
        Assert.IsGreaterThan(0L, wrappers, "TorchSharp allocates a wrapper per grad access");
        Assert.IsLessThanOrEqualTo(wrappers, tracked, $"overlapped steps allocated {tracked} B on the training thread, the wrappers alone {wrappers} B");
    }

    /// <summary>
    /// A synchronous reference tracker and an overlapped one on the same module, observing the same gradients: each step runs
    /// <paramref name="backward"/> (zeroing, forward, backward; returns the loss), both observations, the optional
    /// <paramref name="check"/>, and <c>optimizer.step()</c> unless <paramref name="update"/> says no. Both are flushed and disposed.
    /// </summary>
    private static SideBySideRun SideBySide(
        nn.Module model, optim.Optimizer optimizer, int steps, Func<int, float> backward, Func<int, bool>? update = null, Action<int, TorchActivityTracker>? check = null)
    {
        var expected = new InMemoryActivitySink();
        var actual = new InMemoryActivitySink();
        var warnings = new List<string>();
        using var reference = TorchActivityTracker.Attach(model, expected, optimizer, s_options, TorchTrackingMode.HostKernel);
        using var overlapped = TorchActivityTracker.Attach(model, actual, optimizer, s_options, TorchTrackingMode.Overlapped);
        overlapped.Warning += (_, message) => warnings.Add(message);
        for (int step = 1; step <= steps; step++)
        {
            float loss = backward(step);
            Assert.AreEqual(reference.Observe(loss), overlapped.Observe(loss), $"step {step}");
            check?.Invoke(step, overlapped);
            if (update?.Invoke(step) ?? true)
            {
                optimizer.step();
            }
        }

        if (overlapped.ActiveMode == TorchTrackingMode.Overlapped)
        {
            Assert.IsLessThan(expected.Records.Count, actual.Records.Count, "the last step's rows wait for the background pass");
        }

        overlapped.Flush();
        return new SideBySideRun(
            expected,
            actual,
            warnings,
            overlapped.ActiveMode,
            overlapped.OverlapFallbackReason,
            reference.Tracker.LastStep.Network.Activity,
            overlapped.Tracker.LastStep.Network.Activity);
    }

    /// <summary>Forward and backward on a seeded batch (the caller zeroes or releases the gradients); returns the loss.</summary>
    private static float Backward(nn.Module<Tensor, Tensor> model, int step)
    {
        using DisposeScope scope = NewDisposeScope();
        var generator = new Generator((ulong)step);
        Tensor x = randn([16, s_sizes[0]], generator: generator);
        Tensor y = randint(s_sizes[^1], [16], generator: generator);
        Tensor loss = nn.functional.cross_entropy(model.call(x), y);
        loss.backward();
        return loss.item<float>();
    }

    private static ReadOnlySpan<byte> Memory(Tensor t) => t.bytes;
}

/// <summary>What <c>OverlappedTrackingTests.SideBySide</c> saw.</summary>
internal sealed record SideBySideRun(
    InMemoryActivitySink Expected,
    InMemoryActivitySink Actual,
    IReadOnlyList<string> Warnings,
    TorchTrackingMode FinalMode,
    string? FallbackReason,
    double ReferenceActivity,
    double OverlappedActivity);
