using MLGradientInsight.Trainers;
using MLGradientInsight.Trainers.Data;
using MLGradientInsight.Trainers.Losses;
using MLGradientInsight.Trainers.Models;

namespace MLGradientInsight.CorpusGenerator;

/// <summary>A model + dataset + batch/epochs; small on purpose (a corpus run takes about a second).</summary>
internal sealed record Workload(
    string Name,
    Func<int, (Dataset Train, bool Classification)> Data,
    Func<int, Sequential> Model,
    Func<int, int, Sequential> DeepSigmoid,
    int BatchSize,
    int Epochs,
    double MomentumLearningRate,
    double AdamLearningRate,
    bool HasReLU)
{
    private static readonly Lazy<Dataset> s_fashion = new(() => FashionMnist.Load(new FashionMnistOptions { Limit = 2400, Normalize = true }).Train);
    private static readonly Lazy<Dataset> s_fashion32 = new(() => FashionMnist.Load(new FashionMnistOptions { Limit = 1600, Normalize = true, PadTo32 = true }).Train);

    public static IReadOnlyList<Workload> All { get; } =
    [
        new("fmnist-mlp", _ => (s_fashion.Value, true), s => ModelZoo.Mlp([784, 64, 10], Activation.ReLU, s, flattenInput: true),
            (s, _) => ModelZoo.Mlp([784, 32, 32, 32, 32, 32, 32, 32, 32, 10], Activation.Sigmoid, s, flattenInput: true), 16, 4, 0.02, 0.002, true),
        new("fmnist-lenet", _ => (s_fashion32.Value, true), s => ModelZoo.LeNet5(s),
            (s, _) => ModelZoo.Mlp([1024, 32, 32, 32, 32, 32, 32, 32, 32, 10], Activation.Sigmoid, s, flattenInput: true), 16, 3, 0.02, 0.002, true),
        new("curve-001", s => (SyntheticTasks.Curve(1200, s), false), ModelZoo.Kraidiky,
            (s, _) => ModelZoo.Mlp([3, 15, 15, 15, 15, 15, 15, 15, 15, 1], Activation.Sigmoid, s), 8, 4, 0.02, 0.005, false),
        new("spirals-mlp", s => (SyntheticTasks.TwoSpirals(1200, s, 0.05), true), s => ModelZoo.Mlp([2, 32, 32, 2], Activation.ReLU, s),
            (s, _) => ModelZoo.Mlp([2, 32, 32, 32, 32, 32, 32, 32, 32, 2], Activation.Sigmoid, s), 8, 4, 0.05, 0.005, true),
        new("blobs-mlp", s => (SyntheticTasks.GaussianBlobs(1200, 4, s), true), s => ModelZoo.Mlp([2, 16, 16, 4], Activation.ReLU, s),
            (s, _) => ModelZoo.Mlp([2, 16, 16, 16, 16, 16, 16, 16, 16, 4], Activation.Sigmoid, s), 8, 4, 0.02, 0.005, true),
        new("fmnist-deep-mlp", _ => (s_fashion.Value, true), s => ModelZoo.Mlp([784, 64, 32, 32, 32, 10], Activation.ReLU, s, flattenInput: true),
            (s, _) => ModelZoo.Mlp([784, 32, 32, 32, 32, 32, 32, 32, 32, 10], Activation.Sigmoid, s, flattenInput: true), 16, 4, 0.02, 0.002, true),
        new("curve-relu-mlp", s => (SyntheticTasks.Curve(1200, s), false), s => ModelZoo.Mlp([3, 32, 32, 1], Activation.ReLU, s),
            (s, _) => ModelZoo.Mlp([3, 15, 15, 15, 15, 15, 15, 15, 15, 1], Activation.Sigmoid, s), 8, 4, 0.02, 0.005, true),
        new("wave-tanh-mlp", s => (Wave(1200, s), false), s => ModelZoo.Mlp([4, 32, 32, 1], Activation.Tanh, s),
            (s, _) => ModelZoo.Mlp([4, 16, 16, 16, 16, 16, 16, 16, 16, 1], Activation.Sigmoid, s), 8, 4, 0.02, 0.005, false),
        new("wave-deep-relu", s => (Wave(1200, s + 100), false), s => ModelZoo.Mlp([4, 32, 32, 32, 1], Activation.ReLU, s),
            (s, _) => ModelZoo.Mlp([4, 16, 16, 16, 16, 16, 16, 16, 16, 1], Activation.Sigmoid, s), 8, 4, 0.01, 0.002, true),
        new("blobs-tanh-mlp", s => (SyntheticTasks.GaussianBlobs(1200, 6, s, dims: 8, spread: 1.0), true), s => ModelZoo.Mlp([8, 32, 32, 6], Activation.Tanh, s),
            (s, _) => ModelZoo.Mlp([8, 16, 16, 16, 16, 16, 16, 16, 16, 6], Activation.Sigmoid, s), 8, 4, 0.02, 0.005, false),
    ];

    /// <summary>
    /// A smooth regression task: x uniform in [−1, 1]⁴, target sin(2x₀) + x₁x₂ − 0.5x₃² + N(0, 0.05²)
    /// (MSE; the second regression family next to the 001 curve).
    /// </summary>
    /// <param name="count">The number of points.</param>
    /// <param name="seed">The seed.</param>
    /// <returns>The dataset.</returns>
    public static Dataset Wave(int count, int seed)
    {
        var rng = new Random(seed);
        float[] x = new float[count * 4];
        float[] y = new float[count];
        for (int i = 0; i < count; i++)
        {
            for (int j = 0; j < 4; j++)
            {
                x[(4 * i) + j] = (float)((2 * rng.NextDouble()) - 1);
            }

            double noise = 0.05 * Math.Sqrt(-2 * Math.Log(1 - rng.NextDouble())) * Math.Cos(2 * Math.PI * rng.NextDouble());
            y[i] = (float)(Math.Sin(2 * x[4 * i]) + (x[(4 * i) + 1] * x[(4 * i) + 2]) - (0.5 * x[(4 * i) + 3] * x[(4 * i) + 3]) + noise);
        }

        return new Dataset("wave", new Tensor(x, count, 4), new Tensor(y, count, 1), 0);
    }

    public Loss CreateLoss(bool classification) => classification ? new SoftmaxCrossEntropyLoss() : new MseLoss();
}
