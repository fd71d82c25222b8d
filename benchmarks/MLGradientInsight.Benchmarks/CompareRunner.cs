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
public static class CompareRunner
{
    /// <summary>Runs the workloads.</summary>
    /// <param name="args">--steps N, --warmup N, --seed N, --epoch, --data DIR, --threads N.</param>
    public static void Run(string[] args)
    {
        int steps = IntArg(args, "--steps", 300), warmup = IntArg(args, "--warmup", 30), seed = IntArg(args, "--seed", 1);
        EngineSettings.MaxDegreeOfParallelism = IntArg(args, "--threads", Environment.ProcessorCount);
        var rng = new Random(seed);

        Emit("kraidiky-b1-sgd", TimeSteps(ModelZoo.Kraidiky(seed), m => new Sgd(m.Parameters, 0.01f), new MseLoss(), Uniform(rng, [1, 3], -0.5f, 0.5f), new Tensor([1f], 1, 1), steps * 10, warmup));

        Tensor x = Uniform(rng, [64, 1, 32, 32], 0, 1);
        var y = new Tensor(64);
        for (int i = 0; i < 64; i++)
        {
            y.Span[i] = rng.Next(10);
        }

        Emit("lenet5-b64-momentum", TimeSteps(ModelZoo.LeNet5(seed), m => new Sgd(m.Parameters, 0.01f, momentum: 0.9f), new SoftmaxCrossEntropyLoss(), x, y, steps, warmup));
        Emit("lenet5-b64-adam", TimeSteps(ModelZoo.LeNet5(seed), m => new Adam(m.Parameters, 1e-3f), new SoftmaxCrossEntropyLoss(), x, y, steps, warmup));
        Emit("mlp-b64-adam", TimeSteps(ModelZoo.Mlp([784, 256, 128, 10], Activation.ReLU, seed), m => new Adam(m.Parameters, 1e-3f), new SoftmaxCrossEntropyLoss(), Uniform(rng, [64, 784], 0, 1), y, steps, warmup));

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

    private static Dictionary<string, double> TimeSteps(Sequential model, Func<Sequential, Optimizer> optimizer, Loss loss, Tensor x, Tensor y, int steps, int warmup)
    {
        Optimizer opt = optimizer(model);
        var times = new double[steps];
        for (int i = 0; i < warmup + steps; i++)
        {
            long t0 = Stopwatch.GetTimestamp();
            opt.ZeroGrad();
            loss.Forward(model.Forward(x), y);
            model.Backward(loss.Backward());
            opt.Step();
            long t1 = Stopwatch.GetTimestamp();
            if (i >= warmup)
            {
                times[i - warmup] = Stopwatch.GetElapsedTime(t0, t1).TotalMicroseconds;
            }
        }

        Array.Sort(times);
        return new Dictionary<string, double> { ["median_us"] = Median(times), ["p10_us"] = times[times.Length / 10], ["p90_us"] = times[9 * times.Length / 10] };
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
}
