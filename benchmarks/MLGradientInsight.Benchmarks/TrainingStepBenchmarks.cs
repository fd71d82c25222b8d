using BenchmarkDotNet.Attributes;
using MLGradientInsight.Trainers;
using MLGradientInsight.Trainers.Losses;
using MLGradientInsight.Trainers.Models;
using MLGradientInsight.Trainers.Optimizers;

namespace MLGradientInsight.Benchmarks;

/// <summary>One whole training step (zero grad, forward, loss, backward, update) of the reference workloads.</summary>
[MemoryDiagnoser]
public class TrainingStepBenchmarks
{
    private Sequential _model = null!;
    private Optimizer _optimizer = null!;
    private Loss _loss = null!;
    private Tensor _x = null!;
    private Tensor _y = null!;

    /// <summary>Gets or sets the workload.</summary>
    [Params("kraidiky-b1-sgd", "lenet5-b64-momentum", "lenet5-b64-adam", "mlp-b64-adam")]
    public string Workload { get; set; } = "";

    /// <summary>Builds the model and a seeded batch.</summary>
    [GlobalSetup]
    public void Setup()
    {
        var rng = new Random(1);
        switch (Workload)
        {
            case "kraidiky-b1-sgd":
                _model = ModelZoo.Kraidiky(1);
                _optimizer = new Sgd(_model.Parameters, 0.01f);
                _loss = new MseLoss();
                _x = Fill(new Tensor(1, 3), rng);
                _y = new Tensor([1f], 1, 1);
                return;
            case "mlp-b64-adam":
                _model = ModelZoo.Mlp([784, 256, 128, 10], Activation.ReLU, 1);
                _optimizer = new Adam(_model.Parameters, 1e-3f);
                _x = Fill(new Tensor(64, 784), rng);
                break;
            default:
                _model = ModelZoo.LeNet5(1);
                _optimizer = Workload.EndsWith("adam", StringComparison.Ordinal) ? new Adam(_model.Parameters, 1e-3f) : new Sgd(_model.Parameters, 0.01f, momentum: 0.9f);
                _x = Fill(new Tensor(64, 1, 32, 32), rng);
                break;
        }

        _loss = new SoftmaxCrossEntropyLoss();
        _y = new Tensor(64);
        for (int i = 0; i < 64; i++)
        {
            _y.Span[i] = rng.Next(10);
        }
    }

    /// <summary>One step.</summary>
    /// <returns>The loss.</returns>
    [Benchmark]
    public float Step()
    {
        _optimizer.ZeroGrad();
        float loss = _loss.Forward(_model.Forward(_x), _y);
        _model.Backward(_loss.Backward());
        _optimizer.Step();
        return loss;
    }

    private static Tensor Fill(Tensor t, Random rng)
    {
        foreach (ref float v in t.Span)
        {
            v = rng.NextSingle() - 0.5f;
        }

        return t;
    }
}
