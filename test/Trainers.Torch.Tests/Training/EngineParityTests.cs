using MLGradientInsight.Trainers.Checkpoints;
using MLGradientInsight.Trainers.Data;
using MLGradientInsight.Trainers.Kernels;
using MLGradientInsight.Trainers.Losses;
using MLGradientInsight.Trainers.Models;
using MLGradientInsight.Trainers.Optimizers;
using MLGradientInsight.Trainers.Torch.Checkpoints;
using MLGradientInsight.Trainers.Torch.Models;
using MLGradientInsight.Trainers.Torch.Training;
using MLGradientInsight.Trainers.Training;
using TorchSharp;

namespace MLGradientInsight.Trainers.Torch.Tests.Training;

/// <summary>
/// The same initial weights (through a safetensors file) and the same batches (the same shuffle for the same seed) give the
/// same losses on the managed engine and on TorchSharp, to 1e-4 relative, over 20 steps.
/// </summary>
[TestClass]
public sealed class EngineParityTests
{
    private const int Steps = 20;

    [TestMethod]
    public void LeNet5_with_momentum_SGD_gives_the_same_losses()
    {
        const int batch = 16;
        Dataset data = RandomImages(Steps * batch, seed: 3);
        Sequential managed = ModelZoo.LeNet5(seed: 1);
        using var module = TorchModels.LeNet5(seed: 2);
        AssertSameLosses(managed, module, data, batch, m => new Sgd(m.Parameters, 0.05f, momentum: 0.9f), p => torch.optim.SGD(p, 0.05, momentum: 0.9));
    }

    [TestMethod]
    public void Mlp_with_Adam_gives_the_same_losses()
    {
        const int batch = 32;
        Dataset data = SyntheticTasks.GaussianBlobs(Steps * batch, classes: 4, seed: 5, dims: 6);
        Sequential managed = ModelZoo.Mlp([6, 32, 16, 4], Activation.Tanh, seed: 1);
        using var module = TorchModels.Mlp([6, 32, 16, 4], Activation.Tanh, seed: 2);
        AssertSameLosses(managed, module, data, batch, m => new Adam(m.Parameters, 0.01f), p => torch.optim.Adam(p, 0.01));
    }

    [TestMethod]
    public void Relu_mlp_with_weight_decay_gives_the_same_losses()
    {
        const int batch = 32;
        Dataset data = SyntheticTasks.TwoSpirals(Steps * batch, seed: 7);
        Sequential managed = ModelZoo.Mlp([2, 24, 24, 2], Activation.ReLU, seed: 1);
        using var module = TorchModels.Mlp([2, 24, 24, 2], Activation.ReLU, seed: 2);
        AssertSameLosses(managed, module, data, batch, m => new Sgd(m.Parameters, 0.1f, momentum: 0.5f, weightDecay: 0.01f), p => torch.optim.SGD(p, 0.1, momentum: 0.5, weight_decay: 0.01));
    }

    [TestMethod]
    public void Kraidiky_network_with_SGD_gives_the_same_losses()
    {
        const int batch = 1;
        Dataset data = SyntheticTasks.Curve(Steps * batch, seed: 9);
        Sequential managed = ModelZoo.Kraidiky(seed: 1);
        using var module = TorchModels.Kraidiky(seed: 2);
        AssertSameLosses(managed, module, data, batch, m => new Sgd(m.Parameters, 0.05f), p => torch.optim.SGD(p, 0.05));
    }

    [TestMethod]
    public void Torch_parameter_names_are_the_managed_models_names()
    {
        using var lenet = TorchModels.LeNet5(1);
        using var mlp = TorchModels.Mlp([784, 256, 128, 10], Activation.ReLU, 1, flattenInput: true);
        using var kraidiky = TorchModels.Kraidiky(1);
        CollectionAssert.AreEqual(ModelZoo.LeNet5(1).Parameters.Select(p => p.Name).ToArray(), lenet.named_parameters().Select(p => p.name).ToArray());
        CollectionAssert.AreEqual(ModelZoo.Mlp([784, 256, 128, 10], Activation.ReLU, 1, true).Parameters.Select(p => p.Name).ToArray(), mlp.named_parameters().Select(p => p.name).ToArray());
        CollectionAssert.AreEqual(ModelZoo.Kraidiky(1).Parameters.Select(p => p.Name).ToArray(), kraidiky.named_parameters().Select(p => p.name).ToArray());
        Assert.AreEqual(ModelZoo.LeNet5(1).ParameterCount, lenet.parameters().Sum(p => p.numel()));
    }

    [TestMethod]
    public void FromSequential_copies_structure_and_weights_so_outputs_match()
    {
        Sequential managed = ModelZoo.LeNet5(seed: 4);
        using var module = TorchModels.FromSequential(managed);
        Dataset data = RandomImages(5, seed: 6);
        var x = new Tensor(data.Features.Span.ToArray(), 5, 1, 32, 32);
        float[] expected = managed.Forward(x).Span.ToArray();

        using torch.Tensor input = torch.tensor(data.Features.Span.ToArray(), [5, 1, 32, 32]);
        using torch.Tensor output = module.call(input);
        float[] actual = output.data<float>().ToArray();

        CollectionAssert.AreEqual(managed.Parameters.Select(p => p.Name).ToArray(), module.named_parameters().Select(p => p.name).ToArray());
        Assert.HasCount(expected.Length, actual);
        for (int i = 0; i < expected.Length; i++)
        {
            Assert.AreEqual(expected[i], actual[i], 1e-4 * Math.Max(1, Math.Abs(expected[i])), $"output {i}");
        }
    }

    private static void AssertSameLosses(
        Sequential managed,
        torch.nn.Module<torch.Tensor, torch.Tensor> module,
        Dataset data,
        int batch,
        Func<Sequential, Optimizer> managedOptimizer,
        Func<IEnumerable<TorchSharp.Modules.Parameter>, torch.optim.Optimizer> torchOptimizer)
    {
        string path = Path.Combine(Path.GetTempPath(), $"mlgi-parity-{Guid.NewGuid():N}.safetensors");
        try
        {
            Checkpoint.Save(managed, path);
            TorchCheckpoint.Load(module, path);
        }
        finally
        {
            File.Delete(path);
        }

        int threads = EngineSettings.MaxDegreeOfParallelism;
        EngineSettings.MaxDegreeOfParallelism = 1;
        var expected = new List<float>();
        try
        {
            Loss loss = data.ClassCount > 0 ? new SoftmaxCrossEntropyLoss() : new MseLoss();
            var trainer = new Trainer(managed, loss, managedOptimizer(managed), new TrainerOptions { Epochs = 1, BatchSize = batch, Seed = 11 });
            using IDisposable hook = trainer.OnGradientsComputed((in TrainingStepContext c) => expected.Add(c.Loss));
            Assert.AreEqual(TrainingStatus.Completed, trainer.Fit(data).Status);
        }
        finally
        {
            EngineSettings.MaxDegreeOfParallelism = threads;
        }

        var actual = new List<float>();
        using torch.optim.Optimizer optimizer = torchOptimizer(module.parameters());
        var torchTrainer = new TorchTrainer(module, optimizer, new TorchTrainerOptions { Epochs = 1, BatchSize = batch, Seed = 11 });
        using IDisposable torchHook = torchTrainer.OnGradientsComputed(c => actual.Add(c.Loss));
        Assert.AreEqual(TrainingStatus.Completed, torchTrainer.Fit(data).Status);

        Assert.HasCount(Steps, expected);
        Assert.HasCount(Steps, actual);
        for (int i = 0; i < Steps; i++)
        {
            Assert.AreEqual(expected[i], actual[i], 1e-4 * Math.Abs(expected[i]), $"step {i + 1}: managed {expected[i]}, TorchSharp {actual[i]}");
        }

        Assert.AreNotEqual(expected[0], expected[^1], "the weights changed");
    }

    private static Dataset RandomImages(int count, int seed)
    {
        var random = new Random(seed);
        var features = new float[count * 32 * 32];
        var labels = new float[count];
        for (int i = 0; i < features.Length; i++)
        {
            features[i] = random.NextSingle();
        }

        for (int i = 0; i < count; i++)
        {
            labels[i] = random.Next(10);
        }

        return new Dataset("random-images", new Tensor(features, count, 1, 32, 32), new Tensor(labels, count), classCount: 10);
    }
}
