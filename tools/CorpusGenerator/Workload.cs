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
    ];

    public Loss CreateLoss(bool classification) => classification ? new SoftmaxCrossEntropyLoss() : new MseLoss();
}
