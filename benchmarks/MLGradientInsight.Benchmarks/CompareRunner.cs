using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using MLGradientInsight.Trainers;
using MLGradientInsight.Trainers.Data;
using MLGradientInsight.Trainers.Losses;
using MLGradientInsight.Trainers.Models;
using MLGradientInsight.Trainers.Optimizers;
using MLGradientInsight.Trainers.Training;

namespace MLGradientInsight.Benchmarks;

/// <summary>
/// Our side of <c>benchmarks/compare-torch/run.sh</c>: the same workloads as <c>torch_bench.py</c>,
/// timed per step with a stopwatch, one JSON object per line.
/// </summary>
/// <remarks>
/// Before each workload a throw-away copy of its model trains for <c>--warmup-ms</c> milliseconds (default 1500 ms), so that the JIT
/// has promoted the hot methods to fully optimised (tier-1, PGO) code (a few dozen steps would time tier-0 code); the measured model
/// then runs <c>--warmup</c> untimed steps and the timed ones, the same sequence as <c>torch_bench.py</c>.
/// <c>--profile</c> additionally prints, per workload, the median time of every layer's forward and backward pass, the loss and the optimizer.
/// </remarks>
public static class CompareRunner
{
    /// <summary>Runs the workloads.</summary>
    /// <param name="args">--steps N, --warmup N, --warmup-ms N, --seed N, --epoch, --threads N, --only NAME, --profile.</param>
    public static void Run(string[] args)
    {
        int steps = IntArg(args, "--steps", 300), warmup = IntArg(args, "--warmup", 30), seed = IntArg(args, "--seed", 1);
        int warmupMs = IntArg(args, "--warmup-ms", 1500);
        string? only = StringArg(args, "--only");
        bool profile = args.Contains("--profile");
        EngineSettings.MaxDegreeOfParallelism = IntArg(args, "--threads", Environment.ProcessorCount);
        var rng = new Random(seed);
        var w = new Workloads(seed, rng);
        foreach ((string name, Func<Sequential> model, Func<Sequential, Optimizer> optimizer, Loss loss, Tensor x, Tensor y, int count) in w.All(steps))
        {
            if (only is not null && !name.Contains(only, StringComparison.Ordinal))
            {
                continue;
            }

            // JIT warm-up on a throw-away copy, so that the measured model then sees exactly the steps torch_bench.py's
            // model sees (warmup + timed): a model trained for a second on one batch drifts into another numeric regime
            // (e.g. Adam's second moments becoming subnormal), which would not be a like-for-like comparison.
            Sequential throwAway = model();
            WarmUp(throwAway, optimizer(throwAway), loss, x, y, warmupMs);
            Sequential m = model();
            Optimizer opt = optimizer(m);
            Emit(name, TimeSteps(m, opt, loss, x, y, count, warmup));
            if (profile)
            {
                Profile(name, m, opt, loss, x, y, Math.Max(count / 2, 50));
            }
        }

        if (args.Contains("--epoch"))
        {
            (Dataset train, Dataset test) = FashionMnist.Load(padTo32: true);
            Sequential model = ModelZoo.LeNet5(seed);
            var trainer = new Trainer(model, new SoftmaxCrossEntropyLoss(), new Sgd(model.Parameters, 0.01f, momentum: 0.9f), new TrainerOptions { Epochs = 1, BatchSize = 64, Seed = seed });
            var clock = Stopwatch.StartNew();
            trainer.Fit(train);
            double seconds = clock.Elapsed.TotalSeconds;
            Console.WriteLine(JsonSerializer.Serialize(new Dictionary<string, object> { ["workload"] = "lenet5-epoch", ["seconds"] = seconds, ["test_accuracy"] = trainer.Evaluate(test).Accuracy }));
        }
    }

    private static void WarmUp(Sequential model, Optimizer opt, Loss loss, Tensor x, Tensor y, int warmupMs)
    {
        long start = Stopwatch.GetTimestamp();
        while (Stopwatch.GetElapsedTime(start).TotalMilliseconds < warmupMs)
        {
            Step(model, opt, loss, x, y);
        }
    }

    private static Dictionary<string, double> TimeSteps(Sequential model, Optimizer opt, Loss loss, Tensor x, Tensor y, int steps, int warmup)
    {
        for (int i = 0; i < warmup; i++)
        {
            Step(model, opt, loss, x, y);
        }

        var times = new double[steps];
        long allocated = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < steps; i++)
        {
            long t0 = Stopwatch.GetTimestamp();
            Step(model, opt, loss, x, y);
            times[i] = Microseconds(t0, Stopwatch.GetTimestamp());
        }

        allocated = GC.GetAllocatedBytesForCurrentThread() - allocated;
        Array.Sort(times);
        return new Dictionary<string, double>
        {
            ["median_us"] = Median(times), ["p10_us"] = times[times.Length / 10], ["p90_us"] = times[9 * times.Length / 10],
            ["alloc_bytes_per_step"] = (double)allocated / steps,
        };
    }

    private static void Step(Sequential model, Optimizer opt, Loss loss, Tensor x, Tensor y)
    {
        opt.ZeroGrad();
        loss.Forward(model.Forward(x), y);
        model.Backward(loss.Backward());
        opt.Step();
    }

    // Times every piece of a step separately (10th percentile over the steps), so the cost of each layer is visible.
    private static void Profile(string name, Sequential model, Optimizer opt, Loss loss, Tensor x, Tensor y, int steps)
    {
        IReadOnlyList<Module> layers = model.Layers;
        int count = layers.Count;
        var forward = new double[count][];
        var backward = new double[count][];
        for (int l = 0; l < count; l++)
        {
            forward[l] = new double[steps];
            backward[l] = new double[steps];
        }

        var zero = new double[steps];
        var lossF = new double[steps];
        var lossB = new double[steps];
        var step = new double[steps];
        for (int s = 0; s < steps; s++)
        {
            long t = Stopwatch.GetTimestamp();
            opt.ZeroGrad();
            zero[s] = Lap(ref t);
            Tensor h = x;
            for (int l = 0; l < count; l++)
            {
                h = layers[l].Forward(h);
                forward[l][s] = Lap(ref t);
            }

            loss.Forward(h, y);
            lossF[s] = Lap(ref t);
            Tensor? g = loss.Backward();
            lossB[s] = Lap(ref t);
            for (int l = count - 1; l >= 0 && g is not null; l--)
            {
                g = layers[l].Backward(g);
                backward[l][s] = Lap(ref t);
            }

            opt.Step();
            step[s] = Lap(ref t);
        }

        var row = new Dictionary<string, object> { ["profile"] = name, ["statistic"] = "p10" };
        row["zero_grad_us"] = Math.Round(SortedMedian(zero), 3);
        for (int l = 0; l < count; l++)
        {
            row[$"{layers[l].Name}.fwd_us"] = Math.Round(SortedMedian(forward[l]), 3);
        }

        row["loss.fwd_us"] = Math.Round(SortedMedian(lossF), 3);
        row["loss.bwd_us"] = Math.Round(SortedMedian(lossB), 3);
        for (int l = count - 1; l >= 0; l--)
        {
            row[$"{layers[l].Name}.bwd_us"] = Math.Round(SortedMedian(backward[l]), 3);
        }

        row["optimizer_us"] = Math.Round(SortedMedian(step), 3);
        Console.WriteLine(JsonSerializer.Serialize(row));
    }

    private static double Lap(ref long t)
    {
        long now = Stopwatch.GetTimestamp();
        double us = Microseconds(t, now);
        t = now;
        return us;
    }

    // Straight from the timestamps: TimeSpan would round to 100 ns ticks, too coarse for a 1 µs step.
    private static double Microseconds(long start, long end) => (end - start) * 1e6 / Stopwatch.Frequency;

    // The 10th percentile: on a shared machine it tracks the undisturbed cost far better than the median does.
    private static double SortedMedian(double[] values)
    {
        Array.Sort(values);
        return values[values.Length / 10];
    }

    private static double Median(double[] sorted) => sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[(sorted.Length / 2) - 1] + sorted[sorted.Length / 2]) / 2;

    private static void Emit(string workload, Dictionary<string, double> r)
    {
        var row = new Dictionary<string, object> { ["workload"] = workload };
        foreach ((string k, double v) in r)
        {
            row[k] = v;
        }

        Console.WriteLine(JsonSerializer.Serialize(row));
    }

    private static Tensor Uniform(Random rng, int[] shape, float lo, float hi)
    {
        var t = new Tensor(shape);
        Span<float> s = t.Span;
        for (int i = 0; i < s.Length; i++)
        {
            s[i] = lo + ((hi - lo) * rng.NextSingle());
        }

        return t;
    }

    private static int IntArg(string[] args, string name, int fallback)
    {
        int i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? int.Parse(args[i + 1], CultureInfo.InvariantCulture) : fallback;
    }

    private static string? StringArg(string[] args, string name)
    {
        int i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
    }

    // The same inputs, in the same order of random draws, as before the workloads became a list.
    private sealed class Workloads(int seed, Random rng)
    {
        public IEnumerable<(string Name, Func<Sequential> Model, Func<Sequential, Optimizer> Optimizer, Loss Loss, Tensor X, Tensor Y, int Steps)> All(int steps)
        {
            Tensor kx = Uniform(rng, [1, 3], -0.5f, 0.5f);
            Tensor x = Uniform(rng, [64, 1, 32, 32], 0, 1);
            var y = new Tensor(64);
            for (int i = 0; i < 64; i++)
            {
                y.Span[i] = rng.Next(10);
            }

            Tensor mx = Uniform(rng, [64, 784], 0, 1);
            yield return ("kraidiky-b1-sgd", () => ModelZoo.Kraidiky(seed), m => new Sgd(m.Parameters, 0.01f), new MseLoss(), kx, new Tensor([1f], 1, 1), steps * 10);
            yield return ("lenet5-b64-momentum", () => ModelZoo.LeNet5(seed), m => new Sgd(m.Parameters, 0.01f, momentum: 0.9f), new SoftmaxCrossEntropyLoss(), x, y, steps);
            yield return ("lenet5-b64-adam", () => ModelZoo.LeNet5(seed), m => new Adam(m.Parameters, 1e-3f), new SoftmaxCrossEntropyLoss(), x, y, steps);
            yield return ("mlp-b64-adam", () => ModelZoo.Mlp([784, 256, 128, 10], Activation.ReLU, seed), m => new Adam(m.Parameters, 1e-3f), new SoftmaxCrossEntropyLoss(), mx, y, steps);
        }
    }
}
