using BenchmarkDotNet.Attributes;
using MLGradientInsight.Trainers;
using MLGradientInsight.Trainers.Layers;

namespace MLGradientInsight.Benchmarks;

/// <summary>
/// Conv2d forward and forward + backward on the LeNet-5 shapes of the 002 paper:
/// conv1 1→6, k3 on 32×32 (first layer: no input gradient) and conv2 6→16, k3 on 15×15.
/// </summary>
[MemoryDiagnoser]
public class ConvBenchmarks
{
    private Conv2d _conv = null!;
    private Tensor _input = null!;
    private Tensor _outputGradient = null!;

    /// <summary>Gets or sets which LeNet-5 convolution to run.</summary>
    [Params("conv1", "conv2")]
    public string Layer { get; set; } = "conv1";

    /// <summary>Gets or sets the batch size (61 is not a multiple of any vector width).</summary>
    [Params(64, 61)]
    public int BatchSize { get; set; }

    /// <summary>Builds the layer and seeded data.</summary>
    [GlobalSetup]
    public void Setup()
    {
        var rng = new Random(42);
        (int cin, int cout, int size) = Layer == "conv1" ? (1, 6, 32) : (6, 16, 15);
        _conv = new Conv2d(Layer, cin, cout, 3, rng) { NeedsInputGradient = Layer != "conv1" };
        _input = new Tensor(BatchSize, cin, size, size);
        Init.Normal(_input.Span, 1.0, rng);
        _outputGradient = new Tensor(_conv.OutputShape(_input.Shape));
        Init.Normal(_outputGradient.Span, 1.0, rng);

        // Size the buffers once, as a training loop would.
        _conv.Forward(_input);
        _conv.Backward(_outputGradient);
    }

    /// <summary>One forward pass.</summary>
    /// <returns>An output value, so the work is not optimised away.</returns>
    [Benchmark]
    public float Forward() => _conv.Forward(_input).Span[0];

    /// <summary>One forward and one backward pass (weight, bias and, for conv2, input gradients).</summary>
    /// <returns>A gradient value, so the work is not optimised away.</returns>
    [Benchmark]
    public float ForwardBackward()
    {
        _conv.ZeroGrad();
        _conv.Forward(_input);
        Tensor? dx = _conv.Backward(_outputGradient);
        return _conv.Weight.Gradients[0] + (dx is null ? 0f : dx.Span[0]);
    }
}
