using MLGradientInsight.Trainers;
using MLGradientInsight.Trainers.Data;
using MLGradientInsight.Trainers.Losses;
using MLGradientInsight.Trainers.Models;
using MLGradientInsight.Trainers.Optimizers;
using MLGradientInsight.Trainers.Training;

namespace MLGradientInsight.Analyses.Tests.Evaluation;

/// <summary>A small real model trained on synthetic blobs (seconds on one core).</summary>
internal static class SmallModels
{
    public static (Sequential Model, Trainer Trainer, Dataset Train, Dataset Test) BlobMlp(int seed = 3, int epochs = 3)
    {
        (Dataset train, Dataset test) = SyntheticTasks.GaussianBlobs(1200, 3, seed).Split(0.25, seed);
        Sequential model = ModelZoo.Mlp([2, 32, 32, 3], Activation.ReLU, seed);
        var trainer = new Trainer(model, new SoftmaxCrossEntropyLoss(), new Sgd(model.Parameters, 0.1f, momentum: 0.9f), new TrainerOptions { Epochs = epochs, BatchSize = 32, Seed = seed });
        return (model, trainer, train, test);
    }
}
