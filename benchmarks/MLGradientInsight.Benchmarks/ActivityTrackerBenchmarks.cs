using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;
using MLGradientInsight.Transforms.Activity;

namespace MLGradientInsight.Benchmarks;

/// <summary>
/// Per-step cost of <see cref="GradientActivityTracker"/> (element grouping, default options) in steady state,
/// with the effective bandwidth: 20 bytes per value (read g, g_prev, M; write g_prev, M).
/// Compare the GB/s column with <see cref="ActivityStreamTriadBenchmarks"/> from the same run.
/// </summary>
[MemoryDiagnoser]
[Config(typeof(BandwidthConfig))]
public class ActivityTrackerBenchmarks
{
    private GradientActivityTracker _tracker = null!;
    private float[][] _even = [];
    private float[][] _odd = [];
    private long _step;

    /// <summary>Gets or sets the model: LeNet-5 (conv1 60, conv2 880, fc1 69,240, fc2 10,164, fc3 850 values), MLP 784-256-128-10, or a synthetic 10M-parameter model.</summary>
    [Params("LeNet5", "Mlp784-256-128-10", "Synthetic10M")]
    public string Model { get; set; } = "LeNet5";

    /// <summary>Gets or sets the tracker's MaxDegreeOfParallelism (layers over 65,536 values are chunked).</summary>
    [Params(1, 2)]
    public int Threads { get; set; } = 2;

    /// <summary>The layouts by model name.</summary>
    /// <param name="model">The model name.</param>
    /// <returns>The tensors.</returns>
    public static TrackedTensor[] Layout(string model) => model switch
    {
        "LeNet5" =>
        [
            new("conv1", "conv1.weight", [6, 1, 3, 3]), new("conv1", "conv1.bias", [6]),
            new("conv2", "conv2.weight", [16, 6, 3, 3]), new("conv2", "conv2.bias", [16]),
            new("fc1", "fc1.weight", [120, 576]), new("fc1", "fc1.bias", [120]),
            new("fc2", "fc2.weight", [84, 120]), new("fc2", "fc2.bias", [84]),
            new("fc3", "fc3.weight", [10, 84]), new("fc3", "fc3.bias", [10]),
        ],
        "Mlp784-256-128-10" =>
        [
            new("fc1", "fc1.weight", [256, 784]), new("fc1", "fc1.bias", [256]),
            new("fc2", "fc2.weight", [128, 256]), new("fc2", "fc2.bias", [128]),
            new("fc3", "fc3.weight", [10, 128]), new("fc3", "fc3.bias", [10]),
        ],
        _ => [.. Enumerable.Range(1, 5).SelectMany(i => new TrackedTensor[] { new($"fc{i}", $"fc{i}.weight", [2000, 1000]), new($"fc{i}", $"fc{i}.bias", [2000]) })],
    };

    /// <summary>Bytes touched per step: 20 per tracked value.</summary>
    /// <param name="model">The model name.</param>
    /// <returns>The byte count.</returns>
    public static double BytesPerStep(string model) => 20.0 * Layout(model).Sum(t => (long)t.Length);

    /// <summary>Builds the tracker and two seeded gradient sets and runs it past warm-up.</summary>
    [GlobalSetup]
    public void Setup()
    {
        TrackedTensor[] layout = Layout(Model);
        var rng = new Random(42);
        _even = [.. layout.Select(t => Enumerable.Range(0, t.Length).Select(_ => (float)(rng.NextDouble() - 0.5)).ToArray())];
        _odd = [.. layout.Select(t => Enumerable.Range(0, t.Length).Select(_ => (float)(rng.NextDouble() - 0.5)).ToArray())];
        _tracker = new GradientActivityTracker(layout, new GradientActivityOptions { MaxDegreeOfParallelism = Threads });
        for (int i = 0; i <= _tracker.Options.WarmupSteps + 1; i++)
        {
            Step();
        }
    }

    /// <summary>One tracked step (all tensors, then the network totals).</summary>
    /// <returns>The network activity.</returns>
    [Benchmark]
    public double Step()
    {
        long step = ++_step;
        float[][] g = (step & 1) == 0 ? _even : _odd;
        _tracker.BeginStep(step);
        for (int i = 0; i < g.Length; i++)
        {
            _tracker.AddGradient(i, g[i]);
        }

        _tracker.EndStep();
        return _tracker.LastStep.Network.Activity;
    }

    /// <summary>Adds the effective-bandwidth column.</summary>
    private sealed class BandwidthConfig : ManualConfig
    {
        public BandwidthConfig() => AddColumn(new BandwidthColumn());
    }
}

/// <summary>Effective GB/s = bytes touched per operation / mean time per operation.</summary>
internal sealed class BandwidthColumn : IColumn
{
    /// <inheritdoc/>
    public string Id => nameof(BandwidthColumn);

    /// <inheritdoc/>
    public string ColumnName => "GB/s";

    /// <inheritdoc/>
    public bool AlwaysShow => true;

    /// <inheritdoc/>
    public ColumnCategory Category => ColumnCategory.Custom;

    /// <inheritdoc/>
    public int PriorityInCategory => 0;

    /// <inheritdoc/>
    public bool IsNumeric => true;

    /// <inheritdoc/>
    public UnitType UnitType => UnitType.Dimensionless;

    /// <inheritdoc/>
    public string Legend => "Effective bandwidth: bytes read + written per operation / mean time (tracker: 20 B per value; triad: 12 B per float).";

    /// <inheritdoc/>
    public string GetValue(Summary summary, BenchmarkCase benchmarkCase)
    {
        double? meanNs = summary[benchmarkCase]?.ResultStatistics?.Mean;
        if (meanNs is not > 0)
        {
            return "-";
        }

        double bytes = benchmarkCase.Descriptor.Type == typeof(ActivityStreamTriadBenchmarks)
            ? ActivityStreamTriadBenchmarks.BytesPerOperation
            : ActivityTrackerBenchmarks.BytesPerStep((string)benchmarkCase.Parameters["Model"]);
        return (bytes / meanNs.Value).ToString("F1", System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <inheritdoc/>
    public string GetValue(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style) => GetValue(summary, benchmarkCase);

    /// <inheritdoc/>
    public bool IsAvailable(Summary summary) => true;

    /// <inheritdoc/>
    public bool IsDefault(Summary summary, BenchmarkCase benchmarkCase) => false;
}
