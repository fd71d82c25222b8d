using System.Diagnostics;
using System.Globalization;
using MLGradientInsight.Analyses.GradientSpace;
using MLGradientInsight.Trainers;
using MLGradientInsight.Trainers.Data;
using MLGradientInsight.Trainers.Kernels;
using MLGradientInsight.Trainers.Losses;
using MLGradientInsight.Trainers.Models;
using MLGradientInsight.Trainers.Optimizers;
using MLGradientInsight.Trainers.Training;

namespace MLGradientInsight.Benchmarks;

/// <summary>
/// The gradient-space (003) measurements of the README: <c>gradspace-throughput</c> (per-sample gradient and GradNet feature cost next to
/// a plain forward/backward) and <c>gradspace-experiments</c> (pruning table and GradNet table on a Fashion-MNIST subset).
/// </summary>
public static class GradientSpaceRunner
{
    private static readonly CultureInfo s_c = CultureInfo.InvariantCulture;

    /// <summary>Samples per second of: forward+backward of a batch (mean loss), the per-sample gradient sums (importance), the naive
    /// batch-of-one loop, and GradNet's features (all classes), for the MLP and LeNet-5.</summary>
    /// <param name="args">--threads N (default 1), --seconds S per measurement (default 2).</param>
    public static void Throughput(string[] args)
    {
        EngineSettings.MaxDegreeOfParallelism = IntArg(args, "--threads", 1);
        double seconds = IntArg(args, "--seconds", 2);
        Console.WriteLine($"gemm {EngineSettings.GemmBackend}, threads {EngineSettings.MaxDegreeOfParallelism}, batch 64, {seconds} s per row");
        Console.WriteLine("| model | plain forward+backward | per-sample sums (importance) | naive batch-of-one loop | GradNet features (10 classes, top 1 %) |");
        Console.WriteLine("|---|---|---|---|---|");
        foreach ((string name, Sequential model, bool pad) in new[]
        {
            ("MLP 784-128-64-10", ModelZoo.Mlp([784, 128, 64, 10], Activation.ReLU, 1, flattenInput: true), false),
            ("LeNet-5", ModelZoo.LeNet5(1), true),
        })
        {
            (Dataset train, _) = FashionMnist.Load(padTo32: pad, limit: 512);
            var x = new Tensor(1);
            var y = new Tensor(1);
            train.CopyBatch([.. Enumerable.Range(0, 64)], x, y);
            var loss = new SoftmaxCrossEntropyLoss();
            double plain = Rate(seconds, 64, () =>
            {
                model.ZeroGrad();
                loss.Forward(model.Forward(x), y);
                model.Backward(loss.Backward());
            });

            var pass = new PerSampleGradientPass(model);
            double[][] a = [.. model.Parameters.Select(p => new double[p.Length])], b = [.. a.Select(v => new double[v.Length])], c = [.. a.Select(v => new double[v.Length])];
            var g = new Tensor(1);
            double sums = Rate(seconds, 64, () =>
            {
                Tensor z = pass.Forward(x);
                SampleLoss.Gradient(z, n => (int)y.Span[n], g);
                pass.Backward(g);
                pass.AccumulateSums(a, b, c);
            });

            var one = new Tensor([1, .. train.SampleShape]);
            var oneY = new Tensor(1);
            int next = 0;
            double naive = Rate(seconds, 1, () =>
            {
                train.CopyBatch([next++ % 64], one, oneY);
                model.ZeroGrad();
                Tensor z = model.Forward(one);
                SampleLoss.Gradient(z, _ => (int)oneY.Span[0], g);
                model.Backward(g);
                for (int k = 0; k < a.Length; k++)
                {
                    ReadOnlySpan<float> grad = model.Parameters[k].Gradients;
                    for (int e = 0; e < grad.Length; e++)
                    {
                        a[k][e] += grad[e];
                        b[k][e] += Math.Abs(grad[e]);
                        c[k][e] += grad[e] * grad[e];
                    }
                }
            });

            GradientImportanceResult importance = GradientImportance.Compute(model, train);
            var features = GradNetFeatures.Select(model, importance, 99, 10, 0.5);
            Dataset batch = train.Subset([.. Enumerable.Range(0, 64)], "batch");
            double gradnet = Rate(seconds, 64, () => features.Compute(model, batch, 64, null));
            Console.WriteLine(string.Create(s_c, $"| {name} | {plain:F0} samples/s | {sums:F0} samples/s ({sums / plain:F2}×) | {naive:F0} samples/s ({naive / plain:F2}×) | {gradnet:F0} samples/s, {1e6 / gradnet:F0} µs/sample, {features.Count} features |"));
        }
    }

    /// <summary>The pruning table and the GradNet table (003 Table 1 on Fashion-MNIST).</summary>
    /// <param name="args">--threads N (default 1), --train N (default 10000), --test N (default 2000), --gradnet-train N (default 10000),
    /// --percentile P (default 99), --min-level-percent L (GradNet only on base networks at ≥ L % accuracy), --gradnet-model mlp|lenet5,
    /// --chunk N (samples between the checks of the base network's accuracy, default 64), --svg DIR, --skip-pruning.</param>
    public static void Experiments(string[] args)
    {
        EngineSettings.MaxDegreeOfParallelism = IntArg(args, "--threads", 1);
        int trainCount = IntArg(args, "--train", 10000), testCount = IntArg(args, "--test", 2000), gradNetTrain = IntArg(args, "--gradnet-train", 10000);
        string? svg = args.SkipWhile(a => a != "--svg").Skip(1).FirstOrDefault();
        if (!args.Contains("--skip-pruning"))
        {
            Pruning(trainCount, testCount, svg);
        }

        bool lenet = args.SkipWhile(a => a != "--gradnet-model").Skip(1).FirstOrDefault() == "lenet5";
        GradNetTable(lenet, trainCount, testCount, gradNetTrain, IntArg(args, "--percentile", 99), IntArg(args, "--min-level-percent", 0) / 100.0, IntArg(args, "--chunk", 64));
    }

    private static void Pruning(int trainCount, int testCount, string? svg)
    {
        double[] sparsities = [0.5, 0.8, 0.9, 0.95, 0.98];
        foreach ((string name, Func<Sequential> create, bool pad, int epochs) in new (string, Func<Sequential>, bool, int)[]
        {
            ("MLP 784-128-64-10", () => ModelZoo.Mlp([784, 128, 64, 10], Activation.ReLU, 1, flattenInput: true), false, 3),
            ("LeNet-5", () => ModelZoo.LeNet5(1), true, 3),
        })
        {
            (Dataset train, Dataset test) = Load(pad, trainCount, testCount);
            Sequential model = create();
            var started = Stopwatch.StartNew();
            new Trainer(model, new SoftmaxCrossEntropyLoss(), new Sgd(model.Parameters, new SgdOptions { LearningRate = 0.05f, Momentum = 0.9f }), new TrainerOptions { Epochs = epochs, BatchSize = 64 }).Fit(train);
            double trainSeconds = started.Elapsed.TotalSeconds;
            started.Restart();
            Dataset importanceData = train.Subset([.. Enumerable.Range(0, Math.Min(2000, train.Count))], "importance");
            GradientImportanceResult importance = GradientImportance.Compute(model, importanceData);
            double importanceSeconds = started.Elapsed.TotalSeconds;
            IReadOnlyList<PruningResult> rows = PruningCheck.Run(model, importance, test, sparsities);
            Console.WriteLine();
            Console.WriteLine(string.Create(s_c, $"{name}: trained {epochs} epochs on {train.Count} samples ({trainSeconds:F0} s), test accuracy {rows[0].UnprunedAccuracy:F4} on {test.Count}; importance over {importance.SampleCount} training samples in {importanceSeconds:F1} s"));
            Console.WriteLine("| sparsity | random | " + string.Join(" | ", rows.Select(r => r.Criterion).Distinct()) + " |");
            Console.WriteLine("|---|---|" + string.Concat(rows.Select(r => r.Criterion).Distinct().Select(_ => "---|")));
            foreach (IGrouping<double, PruningResult> g in rows.GroupBy(r => r.Sparsity))
            {
                Console.WriteLine(string.Create(s_c, $"| {g.Key:P0} | {g.First().RandomAccuracy:F4} | ") + string.Join(" | ", g.Select(r => r.Accuracy.ToString("F4", s_c))) + " |");
            }

            if (svg is not null && !pad)
            {
                Directory.CreateDirectory(svg);
                foreach (ImportanceCriterion criterion in new[] { ImportanceCriterion.ConnectionSensitivity, ImportanceCriterion.Fisher })
                {
                    using var writer = new StreamWriter(Path.Combine(svg, $"mlp-fc1-{criterion}.svg"));
                    HeatMapSvg.Write(importance.ImportanceMap(criterion, 28, 28), writer, $"fc1 {criterion}, summed over 128 units", 8);
                }
            }
        }
    }

    private static void GradNetTable(bool lenet, int trainCount, int testCount, int gradNetTrain, int percentile, double minLevel, int chunk)
    {
        (Dataset train, Dataset test) = Load(lenet, trainCount, testCount);
        Dataset gradTrain = train.Subset([.. Enumerable.Range(0, Math.Min(gradNetTrain, train.Count))], "gradnet-train");

        // Base networks stopped at several levels of pre-training: plain SGD, checked on the test subset every `chunk` samples.
        double[] levels = [0.5, 0.6, 0.7, 0.75, 0.8, 0.85];
        Sequential model = lenet ? ModelZoo.LeNet5(1) : ModelZoo.Mlp([784, 64, 10], Activation.ReLU, 1, flattenInput: true);
        string modelName = lenet ? "LeNet-5" : "MLP 784-64-10";
        var trainer = new Trainer(model, new SoftmaxCrossEntropyLoss(), new Sgd(model.Parameters, 0.02f), new TrainerOptions { Epochs = 1, BatchSize = 32 });
        var snapshots = new List<(double Level, int Samples, float[][] Weights)>();
        int level = 0, seen = 0;
        var order = Enumerable.Range(0, train.Count).ToArray();
        while (level < levels.Length && seen < 30 * train.Count)
        {
            trainer.Fit(train.Subset([.. order.Skip(seen % train.Count).Take(chunk)], "chunk"));
            seen += chunk;
            double accuracy = trainer.Evaluate(test).Accuracy;
            while (level < levels.Length && accuracy >= levels[level])
            {
                snapshots.Add((accuracy, seen, [.. model.Parameters.Select(p => p.Weights.ToArray())]));
                level++;
            }
        }

        Console.WriteLine();
        Console.WriteLine(string.Create(s_c, $"GradNet on {modelName} (Fashion-MNIST): GradNet trained on {gradTrain.Count} samples, tested on {test.Count}; features = top {100 - percentile} % of each parameter tensor by mean |g|"));
        Console.WriteLine("| base stopped after | original | GradNet | gain | GradNet train acc. (base) | features | feature cost | feature memory | GradNet training |");
        Console.WriteLine("|---|---|---|---|---|---|---|---|---|");
        foreach ((double _, int samples, float[][] weights) in snapshots.DistinctBy(s => s.Samples).Where(s => s.Level >= minLevel))
        {
            for (int k = 0; k < weights.Length; k++)
            {
                weights[k].CopyTo(model.Parameters[k].Weights);
            }

            GradNetResult r = GradNet.Run(model, gradTrain, test, new GradNetOptions { Percentile = percentile });
            Console.WriteLine(string.Create(s_c,
                $"| {samples} samples | {r.BaseAccuracy:F4} | {r.GradNetAccuracy:F4} | {r.Gain:+0.0%;-0.0%} | {r.GradNetTrainAccuracy:F4} ({r.BaseTrainAccuracy:F4}) | {r.Features} | {r.FeatureMicrosecondsPerSample:F0} µs/sample | {r.FeatureBytes / 1048576.0:F0} MiB | {r.TrainSeconds:F0} s |"));
        }
    }

    private static (Dataset Train, Dataset Test) Load(bool pad, int trainCount, int testCount)
    {
        (Dataset train, Dataset test) = FashionMnist.Load(padTo32: pad);
        return (train.Subset([.. Enumerable.Range(0, Math.Min(trainCount, train.Count))], "fashion-mnist/train"),
                test.Subset([.. Enumerable.Range(0, Math.Min(testCount, test.Count))], "fashion-mnist/test"));
    }

    private static double Rate(double seconds, int samplesPerCall, Action action)
    {
        var warm = Stopwatch.StartNew();
        while (warm.Elapsed.TotalSeconds < Math.Min(1, seconds / 2))
        {
            action();
        }

        long calls = 0;
        var watch = Stopwatch.StartNew();
        while (watch.Elapsed.TotalSeconds < seconds)
        {
            action();
            calls++;
        }

        return calls * samplesPerCall / watch.Elapsed.TotalSeconds;
    }

    private static int IntArg(string[] args, string name, int fallback)
    {
        int i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? int.Parse(args[i + 1], s_c) : fallback;
    }
}
