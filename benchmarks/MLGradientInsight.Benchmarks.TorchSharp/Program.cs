using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using MLGradientInsight.Trainers.Models;
using MLGradientInsight.Trainers.Torch;
using MLGradientInsight.Trainers.Torch.Models;
using MLGradientInsight.Trainers.Torch.Tracking;
using MLGradientInsight.Transforms.Activity;
using TorchSharp;
using static TorchSharp.torch;

// Side-by-side timings of TorchSharp (libtorch 2.10) training steps, for benchmarks/compare-torch:
//   compare [--steps N] [--warmup N] [--threads N]            the workloads of torch_bench.py, one JSON object per line
//   tracker-overhead [--steps N] [--threads N] [--no-weights] [--tracking auto|host|device] [--large] [--overlap] [--release-grads]
//                    [--dop N]                                TorchActivityTracker on a TorchSharp loop vs the same loop untracked;
//                                                             --overlap: TorchTrackingMode.Overlapped (implies --no-weights and
//                                                             --release-grads: both loops call module.zero_grad(), not optimizer.zero_grad());
//                                                             --dop: the tracker's MaxDegreeOfParallelism
//   observe [--steps N] [--threads N] [--no-weights]          Observe alone on the 11.6 M-parameter MLP, host kernel vs device ops,
//                                                             with the bytes it moves and the machine's copy bandwidth
string mode = args.Length > 0 ? args[0] : "compare";
int steps = IntArg("--steps", 300), warmup = IntArg("--warmup", 30), threads = IntArg("--threads", Environment.ProcessorCount);
TorchRuntime.EnsureLoaded();
torch.set_num_threads(threads);
torch.manual_seed(1);
Console.Error.WriteLine(FormattableString.Invariant($"TorchSharp (libtorch 2.10, TorchSharp-cpu 0.107) with {torch.get_num_threads()} intra-op threads, {Environment.ProcessorCount} cores, load average {LoadAverage()}"));
using Tensor images = rand(64, 1, 32, 32);
using Tensor labels = randint(0, 10, [64]);
using Tensor flat = rand(64, 784);
switch (mode)
{
    case "compare":
    {
        using var kraidiky = TorchModels.Kraidiky(1);
        using Tensor point = rand(1, 3) - 0.5;
        using Tensor one = ones(1, 1);
        Emit("kraidiky-b1-sgd", TimeSteps(kraidiky, optim.SGD(kraidiky.parameters(), 0.01), point, one, regression: true, steps * 10, warmup));
        using var lenet = TorchModels.LeNet5(1);
        Emit("lenet5-b64-momentum", TimeSteps(lenet, optim.SGD(lenet.parameters(), 0.01, momentum: 0.9), images, labels, false, steps, warmup));
        using var lenet2 = TorchModels.LeNet5(1);
        Emit("lenet5-b64-adam", TimeSteps(lenet2, optim.Adam(lenet2.parameters(), 1e-3), images, labels, false, steps, warmup));
        using var mlp = TorchModels.Mlp([784, 256, 128, 10], Activation.ReLU, 1);
        Emit("mlp-b64-adam", TimeSteps(mlp, optim.Adam(mlp.parameters(), 1e-3), flat, labels, false, steps, warmup));
        break;
    }

    case "tracker-overhead":
    {
        bool overlap = args.Contains("--overlap");
        bool weights = !overlap && !args.Contains("--no-weights");
        bool release = overlap || args.Contains("--release-grads");
        TorchTrackingMode tracking = overlap ? TorchTrackingMode.Overlapped : TrackingArg();
        var options = new GradientActivityOptions { TrackWeightStatistics = weights, MaxDegreeOfParallelism = IntArg("--dop", Environment.ProcessorCount) };
        Console.WriteLine(FormattableString.Invariant($"gradients released with {(release ? "module.zero_grad()" : "optimizer.zero_grad()")}, tracker MaxDegreeOfParallelism {options.MaxDegreeOfParallelism}"));
        Console.WriteLine($"{"workload",-34} {"params",11} {"untracked",11} {"tracked",11} {"overhead",9}  (median time inside Observe + Flush)");
        if (!args.Contains("--large"))
        {
            Overhead("lenet5-b64-momentum", () => TorchModels.LeNet5(1), m => optim.SGD(m.parameters(), 0.01, momentum: 0.9), images, options, tracking, release);
            Overhead("mlp784-256-128-10-b64-adam", () => TorchModels.Mlp([784, 256, 128, 10], Activation.ReLU, 1), m => optim.Adam(m.parameters(), 1e-3), flat, options, tracking, release);
        }

        Overhead("mlp784-4096-2048-10-b64-sgd", () => TorchModels.Mlp([784, 4096, 2048, 10], Activation.ReLU, 1), m => optim.SGD(m.parameters(), 0.01, momentum: 0.9), flat, options, tracking, release);
        break;
    }

    case "observe":
    {
        bool weights = !args.Contains("--no-weights");
        using var model = TorchModels.Mlp([784, 4096, 2048, 10], Activation.ReLU, 1);
        using optim.Optimizer sgd = optim.SGD(model.parameters(), 0.01, momentum: 0.9);
        long count = model.parameters().Sum(p => p.numel());
        Step(model, sgd, flat, labels, false, null, out _);
        double copy = CopyBandwidth(count);
        // Bytes per parameter and step: activity pass reads g, g_prev, M and writes g_prev, M (20 B); the weight statistics
        // copy θ before the update (read 4 + write 4) and read θ and the copy after it (8).
        int bytesPerParameter = weights ? 36 : 20;
        Console.WriteLine(FormattableString.Invariant($"{count:N0} parameters, {bytesPerParameter} B each per step = {count * bytesPerParameter / 1e6:F0} MB; copy bandwidth (read + write) {copy:F1} GB/s → {count * bytesPerParameter / copy / 1e6:F1} ms at that bandwidth"));
        foreach (TorchTrackingMode m in new[] { TorchTrackingMode.HostKernel, TorchTrackingMode.DeviceOps })
        {
            using var tracker = TorchActivityTracker.Attach(model, new NullSink(), sgd, new GradientActivityOptions { TrackWeightStatistics = weights, WarmupSteps = 2 }, m);
            var times = new List<double>();
            for (int i = 0; i < warmup + steps; i++)
            {
                long t0 = Stopwatch.GetTimestamp();
                tracker.Observe(1.0);
                tracker.Flush();
                if (i >= warmup)
                {
                    times.Add(Stopwatch.GetElapsedTime(t0).TotalMilliseconds);
                }
            }

            Console.WriteLine(FormattableString.Invariant($"{m,-11} Observe + Flush median {Median(times),8:F2} ms  ({count * bytesPerParameter / Median(times) / 1e6:F1} GB/s effective), load average {LoadAverage()}"));
        }

        break;
    }

    default:
        Console.Error.WriteLine($"Unknown mode '{mode}'; use compare or tracker-overhead.");
        return 1;
}

return 0;

// Untracked and tracked copies of the same model, stepped alternately in blocks of --block steps (default 1; 5 with --overlap)
// so both see the same machine load. A block of tracked steps ends with Flush(), timed as part of its last step: the
// background pass of an overlapped step must overlap its own loop, not the untracked model's next step.
void Overhead(string name, Func<nn.Module<Tensor, Tensor>> create, Func<nn.Module, optim.Optimizer> optimizer, Tensor x, GradientActivityOptions options, TorchTrackingMode mode, bool release)
{
    bool weights = options.TrackWeightStatistics;
    int block = IntArg("--block", mode == TorchTrackingMode.Overlapped ? 5 : 1);
    using var plain = create();
    using var tracked = create();
    using optim.Optimizer plainOptimizer = optimizer(plain), trackedOptimizer = optimizer(tracked);
    using var tracking = TorchActivityTracker.Attach(tracked, new NullSink(), trackedOptimizer, options, mode);
    tracking.Warning += (_, message) => Console.Error.WriteLine($"warning: {message}");
    var a = new List<double>();
    var b = new List<double>();
    var inTracker = new List<double>();
    for (int i = 0; i < warmup + steps; i += block)
    {
        for (int k = 0; k < block; k++)
        {
            double t = Step(plain, plainOptimizer, x, labels, false, null, out _, release);
            if (i + k >= warmup)
            {
                a.Add(t);
            }
        }

        for (int k = 0; k < block; k++)
        {
            double t = Step(tracked, trackedOptimizer, x, labels, false, tracking, out double observe, release);
            if (k == block - 1)
            {
                long f = Stopwatch.GetTimestamp();
                tracking.Flush();
                double flush = Stopwatch.GetElapsedTime(f).TotalMicroseconds;
                t += flush;
                observe += flush;
            }

            if (i + k >= warmup)
            {
                b.Add(t);
                inTracker.Add(observe);
            }
        }
    }

    double untracked = Median(a), withTracker = Median(b);
    long count = plain.parameters().Sum(p => p.numel());
    Console.WriteLine(FormattableString.Invariant($"{name + (weights ? "" : " (no weight stats)") + $" [{tracking.ActiveMode}, block {block}]",-58} {count,11:N0} {untracked / 1000,9:F3}ms {withTracker / 1000,9:F3}ms {(withTracker / untracked - 1) * 100,8:F1}%  in tracker calls {Median(inTracker) / 1000:F3}ms  load {LoadAverage()}"));
}

static double Step(nn.Module<Tensor, Tensor> model, optim.Optimizer opt, Tensor x, Tensor y, bool regression, TorchActivityTracker? tracking, out double observeMicroseconds, bool release = false)
{
    observeMicroseconds = 0;
    long t0 = Stopwatch.GetTimestamp();
    using (var scope = NewDisposeScope())
    {
        if (release)
        {
            model.zero_grad();
        }
        else
        {
            opt.zero_grad();
        }

        Tensor output = model.call(x);
        Tensor loss = regression ? nn.functional.mse_loss(output, y) : nn.functional.cross_entropy(output, y);
        loss.backward();
        float value = loss.item<float>();
        if (tracking is not null)
        {
            long o = Stopwatch.GetTimestamp();
            tracking.Observe(value);
            observeMicroseconds = Stopwatch.GetElapsedTime(o).TotalMicroseconds;
        }

        opt.step();
    }

    return Stopwatch.GetElapsedTime(t0).TotalMicroseconds;
}

static Dictionary<string, double> TimeSteps(nn.Module<Tensor, Tensor> model, optim.Optimizer opt, Tensor x, Tensor y, bool regression, int steps, int warmup)
{
    var times = new List<double>();
    for (int i = 0; i < warmup + steps; i++)
    {
        double t = Step(model, opt, x, y, regression, null, out _);
        if (i >= warmup)
        {
            times.Add(t);
        }
    }

    times.Sort();
    opt.Dispose();
    return new() { ["median_us"] = Median(times), ["p10_us"] = times[times.Count / 10], ["p90_us"] = times[9 * times.Count / 10] };
}

static double Median(List<double> values)
{
    double[] sorted = [.. values.Order()];
    return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[(sorted.Length / 2) - 1] + sorted[sorted.Length / 2]) / 2;
}

static void Emit(string workload, Dictionary<string, double> r)
{
    var row = new Dictionary<string, object> { ["workload"] = workload };
    foreach ((string k, double v) in r)
    {
        row[k] = v;
    }

    Console.WriteLine(JsonSerializer.Serialize(row));
}

// Median time of copying a buffer of `floats` floats (as much memory as one tracker state array), as read + write GB/s.
static double CopyBandwidth(long floats)
{
    float[] a = new float[floats], b = new float[floats];
    Array.Fill(a, 1f);
    var times = new List<double>();
    for (int i = 0; i < 15; i++)
    {
        long t0 = Stopwatch.GetTimestamp();
        a.AsSpan().CopyTo(b);
        times.Add(Stopwatch.GetElapsedTime(t0).TotalSeconds);
    }

    return 2.0 * 4 * floats / Median(times) / 1e9;
}

TorchTrackingMode TrackingArg()
{
    int i = Array.IndexOf(args, "--tracking");
    return i < 0 || i + 1 >= args.Length ? TorchTrackingMode.Auto : args[i + 1] switch
    {
        "host" => TorchTrackingMode.HostKernel,
        "device" => TorchTrackingMode.DeviceOps,
        _ => TorchTrackingMode.Auto,
    };
}

static string LoadAverage() => File.Exists("/proc/loadavg") ? File.ReadAllText("/proc/loadavg").Split(' ')[0] : "?";

int IntArg(string name, int fallback)
{
    int i = Array.IndexOf(args, name);
    return i >= 0 && i + 1 < args.Length ? int.Parse(args[i + 1], CultureInfo.InvariantCulture) : fallback;
}

/// <summary>Ignores the rows, so the overhead measured is the tracker's, not a sink's.</summary>
internal sealed class NullSink : IActivitySink
{
    public void Write(ReadOnlySpan<ActivityRecord> records, ReadOnlySpan<UnitActivityRecord> units)
    {
    }
}
