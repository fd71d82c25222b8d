using System.Numerics.Tensors;
using BenchmarkDotNet.Attributes;
using MLGradientInsight.Trainers;
using MLGradientInsight.Trainers.Optimizers;

namespace MLGradientInsight.Benchmarks;

/// <summary>
/// One optimizer step on a single parameter vector of about a million weights (and a small one), so that
/// the per-element cost of the update rules can be compared; <see cref="AdamMultiPassBaseline"/> is the
/// same Adam step written as a sequence of <see cref="TensorPrimitives"/> calls, to show what the fused kernel saves.
/// </summary>
[MemoryDiagnoser]
public class OptimizerBenchmarks
{
    private Parameter _parameter = null!;
    private Adam _adam = null!;
    private AdamW _adamW = null!;
    private Sgd _sgd = null!;
    private RmsProp _rmsProp = null!;
    private Lars _lars = null!;
    private float[] _m = null!;
    private float[] _v = null!;
    private float[] _scratch = null!;
    private int _t;

    /// <summary>Gets or sets the number of weights (1 000 003 and 4 099 are not multiples of any vector width).</summary>
    [Params(4_099, 1_000_003)]
    public int Length { get; set; }

    /// <summary>Builds the seeded parameter and warms every optimizer's state up.</summary>
    [GlobalSetup]
    public void Setup()
    {
        var rng = new Random(42);
        _parameter = new Parameter("fc", "weight", Length);
        for (int i = 0; i < Length; i++)
        {
            _parameter.Weights[i] = (float)(rng.NextDouble() - 0.5);
            _parameter.Gradients[i] = (float)(rng.NextDouble() - 0.5) * 1e-3f;
        }

        _adam = new Adam([_parameter], 1e-6f, weightDecay: 1e-4f);
        _adamW = new AdamW([_parameter], 1e-6f);
        _sgd = new Sgd([_parameter], new SgdOptions { LearningRate = 1e-6f, Momentum = 0.9f, WeightDecay = 1e-4f });
        _rmsProp = new RmsProp([_parameter], 1e-6f);
        _lars = new Lars([_parameter], 1e-6f);
        _m = new float[Length];
        _v = new float[Length];
        _scratch = new float[Length];
        foreach (Optimizer o in new Optimizer[] { _adam, _adamW, _sgd, _rmsProp, _lars })
        {
            o.Step();
        }
    }

    /// <summary>Adam with L2 decay: one fused SIMD pass.</summary>
    /// <returns>A weight, so the work is observable.</returns>
    [Benchmark(Baseline = true)]
    public float AdamStep()
    {
        _adam.Step();
        return _parameter.Weights[0];
    }

    /// <summary>The same Adam step as eleven TensorPrimitives passes.</summary>
    /// <returns>A weight, so the work is observable.</returns>
    [Benchmark]
    public float AdamMultiPassBaseline()
    {
        const float beta1 = 0.9f, beta2 = 0.999f, lr = 1e-6f, wd = 1e-4f, eps = 1e-8f;
        int t = ++_t;
        Span<float> w = _parameter.Weights;
        Span<float> d = _scratch;
        TensorPrimitives.MultiplyAdd(w, wd, _parameter.Gradients, d);
        TensorPrimitives.Multiply(_m, beta1, _m);
        TensorPrimitives.MultiplyAdd(d, 1 - beta1, _m, _m);
        TensorPrimitives.Multiply(_v, beta2, _v);
        TensorPrimitives.Multiply(d, d, d);
        TensorPrimitives.MultiplyAdd(d, 1 - beta2, _v, _v);
        TensorPrimitives.Sqrt(_v, d);
        TensorPrimitives.Multiply(d, 1 / MathF.Sqrt(1 - MathF.Pow(beta2, t)), d);
        TensorPrimitives.Add(d, eps, d);
        TensorPrimitives.Divide(_m, d, d);
        TensorPrimitives.MultiplyAdd(d, -lr / (1 - MathF.Pow(beta1, t)), w, w);
        return w[0];
    }

    /// <summary>AdamW: one fused SIMD pass.</summary>
    /// <returns>A weight, so the work is observable.</returns>
    [Benchmark]
    public float AdamWStep()
    {
        _adamW.Step();
        return _parameter.Weights[0];
    }

    /// <summary>SGD with momentum and weight decay.</summary>
    /// <returns>A weight, so the work is observable.</returns>
    [Benchmark]
    public float SgdMomentumStep()
    {
        _sgd.Step();
        return _parameter.Weights[0];
    }

    /// <summary>RMSprop.</summary>
    /// <returns>A weight, so the work is observable.</returns>
    [Benchmark]
    public float RmsPropStep()
    {
        _rmsProp.Step();
        return _parameter.Weights[0];
    }

    /// <summary>LARS (two norms, then momentum SGD).</summary>
    /// <returns>A weight, so the work is observable.</returns>
    [Benchmark]
    public float LarsStep()
    {
        _lars.Step();
        return _parameter.Weights[0];
    }
}
