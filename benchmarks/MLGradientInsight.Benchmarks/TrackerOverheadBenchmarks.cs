using BenchmarkDotNet.Attributes;
using MLGradientInsight.Trainers;
using MLGradientInsight.Trainers.Data;
using MLGradientInsight.Trainers.Losses;
using MLGradientInsight.Trainers.Models;
using MLGradientInsight.Trainers.Optimizers;
using MLGradientInsight.Trainers.Training;
using MLGradientInsight.Transforms.Activity;

namespace MLGradientInsight.Benchmarks;

/// <summary>
/// Overhead of gradient-activity tracking on our own training step: one <see cref="Trainer.Fit"/> epoch of exactly one
/// batch of 64, with and without a <see cref="GradientActivityTracker"/> attached (default options, weight and update
/// norms on, records handed to a sink that drops them). Overhead = Tracked=True / Tracked=False − 1.
/// </summary>
[MemoryDiagnoser]
public class TrackerOverheadBenchmarks
{
    private Trainer _trainer = null!;
    private Dataset _batch = null!;
    private IDisposable? _attachment;

    /// <summary>Gets or sets the workload.</summary>
    [Params("lenet5-b64-momentum", "mlp-b64-adam")]
    public string Workload { get; set; } = "";

    /// <summary>Gets or sets whether the tracker is attached.</summary>
    [Params(false, true)]
    public bool Tracked { get; set; }

    /// <summary>Builds the model, one seeded batch and (optionally) the tracker; runs past the tracker's warm-up.</summary>
    [GlobalSetup]
    public void Setup()
    {
        var rng = new Random(1);
        bool lenet = Workload.StartsWith("lenet5", StringComparison.Ordinal);
        Sequential model = lenet ? ModelZoo.LeNet5(1) : ModelZoo.Mlp([784, 256, 128, 10], Activation.ReLU, 1);
        Optimizer optimizer = lenet ? new Sgd(model.Parameters, 0.01f, momentum: 0.9f) : new Adam(model.Parameters, 1e-3f);
        var x = lenet ? new Tensor(64, 1, 32, 32) : new Tensor(64, 784);
        foreach (ref float v in x.Span)
        {
            v = rng.NextSingle();
        }

        var y = new Tensor(64);
        for (int i = 0; i < 64; i++)
        {
            y.Span[i] = rng.Next(10);
        }

        _batch = new Dataset("batch", x, y, 10);
        _trainer = new Trainer(model, new SoftmaxCrossEntropyLoss(), optimizer, new TrainerOptions { Epochs = 1, BatchSize = 64, Shuffle = false });
        if (Tracked)
        {
            _attachment = model.CreateActivityTracker().Attach(_trainer, new DiscardSink());
        }

        for (int i = 0; i < 20; i++)
        {
            _trainer.Fit(_batch);
        }
    }

    /// <summary>Detaches the tracker.</summary>
    [GlobalCleanup]
    public void Cleanup() => _attachment?.Dispose();

    /// <summary>One training step through the trainer.</summary>
    /// <returns>The step count.</returns>
    [Benchmark]
    public long Step() => _trainer.Fit(_batch).Steps;

    private sealed class DiscardSink : IActivitySink
    {
        public void Write(ReadOnlySpan<ActivityRecord> records, ReadOnlySpan<UnitActivityRecord> units)
        {
        }
    }
}
