using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using MLGradientInsight.Transforms.Activity;

namespace MLGradientInsight.Benchmarks;

/// <summary>
/// Our side of <c>benchmarks/compare-torch/run-activity.sh</c>: the tracker on the layouts of
/// <see cref="ActivityTrackerBenchmarks"/>, timed per step, plus a STREAM triad measured in the same process.
/// </summary>
public static class ActivityCompareRunner
{
    /// <summary>Runs the workloads and prints one JSON object per line.</summary>
    /// <param name="args">--steps N.</param>
    public static void Run(string[] args)
    {
        int i = Array.IndexOf(args, "--steps");
        int steps = i >= 0 ? int.Parse(args[i + 1], CultureInfo.InvariantCulture) : 200;
        double triad = Triad();
        Console.WriteLine(JsonSerializer.Serialize(new Dictionary<string, object> { ["workload"] = "stream-triad", ["gb_per_s"] = triad }));
        foreach (string model in new[] { "LeNet5", "Mlp784-256-128-10", "Synthetic10M" })
        {
            TrackedTensor[] layout = ActivityTrackerBenchmarks.Layout(model);
            var rng = new Random(42);
            float[][] even = [.. layout.Select(t => Enumerable.Range(0, t.Length).Select(_ => rng.NextSingle() - 0.5f).ToArray())];
            float[][] odd = [.. layout.Select(t => Enumerable.Range(0, t.Length).Select(_ => rng.NextSingle() - 0.5f).ToArray())];
            var tracker = new GradientActivityTracker(layout);
            int n = model == "Synthetic10M" ? Math.Max(20, steps / 10) : steps;
            var times = new List<double>();
            var clock = Stopwatch.StartNew();
            for (long step = 1; times.Count < n; step++)
            {
                float[][] g = (step & 1) == 0 ? even : odd;
                long t0 = Stopwatch.GetTimestamp();
                tracker.BeginStep(step);
                for (int t = 0; t < g.Length; t++)
                {
                    tracker.AddGradient(t, g[t]);
                }

                tracker.EndStep();
                double us = Stopwatch.GetElapsedTime(t0).TotalMicroseconds;

                // Warm up past the tracker's warm-up and the JIT's tiering (at least 1 s).
                if (step > 20 && clock.Elapsed.TotalSeconds > 1)
                {
                    times.Add(us);
                }
            }

            times.Sort();
            double median = times[times.Count / 2];
            double values = layout.Sum(t => (long)t.Length);
            Console.WriteLine(JsonSerializer.Serialize(new Dictionary<string, object>
            {
                ["workload"] = $"activity-{model}",
                ["median_us"] = median,
                ["values"] = values,
                ["gb_per_s"] = 20 * values / (median * 1e-6) / 1e9,
            }));
        }
    }

    /// <summary>
    /// Tracking overhead on our own training step: two identical trainers (one with a tracker attached, default
    /// options, weight and update norms on) run one-batch epochs alternately, so machine-load drift hits both alike.
    /// </summary>
    /// <param name="args">--steps N.</param>
    public static void Overhead(string[] args)
    {
        int i = Array.IndexOf(args, "--steps");
        int steps = i >= 0 ? int.Parse(args[i + 1], CultureInfo.InvariantCulture) : 300;
        foreach (string workload in new[] { "lenet5-b64-momentum", "mlp-b64-adam" })
        {
            var plain = new TrackerOverheadBenchmarks { Workload = workload, Tracked = false };
            var tracked = new TrackerOverheadBenchmarks { Workload = workload, Tracked = true };
            plain.Setup();
            tracked.Setup();
            var clock = Stopwatch.StartNew();
            while (clock.Elapsed.TotalSeconds < 1.5)
            {
                plain.Step();
                tracked.Step();
            }

            double[] a = new double[steps], b = new double[steps];
            for (int s = 0; s < steps; s++)
            {
                long t0 = Stopwatch.GetTimestamp();
                plain.Step();
                long t1 = Stopwatch.GetTimestamp();
                tracked.Step();
                long t2 = Stopwatch.GetTimestamp();
                a[s] = Stopwatch.GetElapsedTime(t0, t1).TotalMicroseconds;
                b[s] = Stopwatch.GetElapsedTime(t1, t2).TotalMicroseconds;
            }

            tracked.Cleanup();
            Array.Sort(a);
            Array.Sort(b);
            double ma = a[steps / 2], mb = b[steps / 2];
            Console.WriteLine(JsonSerializer.Serialize(new Dictionary<string, object>
            {
                ["workload"] = $"overhead-{workload}",
                ["untracked_us"] = ma,
                ["tracked_us"] = mb,
                ["overhead_percent"] = 100 * ((mb / ma) - 1),
            }));
        }
    }

    /// <summary>STREAM triad a[i] = b[i] + s·c[i] over 3 × 64 MB on all cores; best of 10, in GB/s counted as STREAM does (12 bytes per float32 element: two reads, one write).</summary>
    private static double Triad()
    {
        const int n = 16 << 20;
        float[] a = new float[n], b = new float[n], c = new float[n];
        Array.Fill(b, 1f);
        Array.Fill(c, 2f);
        int threads = Environment.ProcessorCount;
        double best = 0;
        for (int r = 0; r < 10; r++)
        {
            long t0 = Stopwatch.GetTimestamp();
            Parallel.For(0, threads, new ParallelOptions { MaxDegreeOfParallelism = threads }, t =>
            {
                int chunk = n / threads, start = t * chunk, length = t == threads - 1 ? n - start : chunk;
                System.Numerics.Tensors.TensorPrimitives.MultiplyAdd(c.AsSpan(start, length), 3f, b.AsSpan(start, length), a.AsSpan(start, length));
            });
            best = Math.Max(best, 12.0 * n / Stopwatch.GetElapsedTime(t0).TotalSeconds / 1e9);
        }

        return best;
    }
}
