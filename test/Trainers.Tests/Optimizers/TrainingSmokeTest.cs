using MLGradientInsight.Trainers.Data;
using MLGradientInsight.Trainers.Layers;
using MLGradientInsight.Trainers.Losses;
using MLGradientInsight.Trainers.Optimizers;
using MLGradientInsight.Trainers.Training;

namespace MLGradientInsight.Trainers.Tests.Optimizers;

/// <summary>Every optimizer, driven by the Trainer with a schedule, makes the loss fall on separable data.</summary>
[TestClass]
public sealed class TrainingSmokeTest
{
    [TestMethod]
    [DataRow("sgd")]
    [DataRow("nesterov")]
    [DataRow("adagrad")]
    [DataRow("adadelta")]
    [DataRow("rmsprop")]
    [DataRow("adam")]
    [DataRow("adamw")]
    [DataRow("lars")]
    [DataRow("slow")]
    public void Fit_LossFalls(string kind)
    {
        var rng = new Random(1);
        var model = new Sequential("net", new Linear("fc1", 2, 8, rng), new Tanh("act1"), new Linear("fc2", 8, 2, rng));
        IReadOnlyList<ParameterGroup> groups = ParameterGroup.PerLayer(model.Parameters, 0.05f);
        Optimizer optimizer = kind switch
        {
            "sgd" => new Sgd(groups, new SgdOptions { Momentum = 0.9f }),
            "nesterov" => new Sgd(groups, new SgdOptions { Momentum = 0.9f, Nesterov = true }),
            "adagrad" => new Adagrad(groups),
            "adadelta" => new Adadelta(ParameterGroup.PerLayer(model.Parameters, 1f)),
            "rmsprop" => new RmsProp(ParameterGroup.PerLayer(model.Parameters, 0.01f)),
            "adam" => new Adam(ParameterGroup.PerLayer(model.Parameters, 0.01f)),
            "adamw" => new AdamW(ParameterGroup.PerLayer(model.Parameters, 0.01f, weightDecay: 0.01f)),
            "lars" => new Lars(ParameterGroup.PerLayer(model.Parameters, 1f), new LarsOptions { TrustCoefficient = 0.02f }),
            _ => new SlowLearning(new Sgd(groups, new SgdOptions { Momentum = 0.9f }), 4),
        };
        var options = new TrainerOptions { Epochs = 6, BatchSize = 16, Scheduler = new CosineAnnealingLr(6, 1e-4f) };
        var trainer = new Trainer(model, new SoftmaxCrossEntropyLoss(), optimizer, options);
        Dataset data = TwoBlobs(256, 2);
        double before = trainer.Evaluate(data).Loss;
        TrainingResult result = trainer.Fit(data);
        double after = trainer.Evaluate(data).Loss;
        Assert.AreEqual(TrainingStatus.Completed, result.Status, kind);
        Assert.IsLessThan(before * 0.5, after, $"{kind}: loss {before} → {after}");
        Assert.AreEqual(new CosineAnnealingLr(6, 1e-4f).LearningRateAt(optimizer.Groups[0].InitialLearningRate, 6), optimizer.Groups[0].LearningRate, 1e-9f, "the scheduler ran");
    }

    private static Dataset TwoBlobs(int n, int seed)
    {
        var rng = new Random(seed);
        var x = new Tensor(n, 2);
        var y = new Tensor(n);
        for (int i = 0; i < n; i++)
        {
            int c = i % 2;
            x[i, 0] = (float)((c == 0 ? -1 : 1) + (rng.NextDouble() - 0.5));
            x[i, 1] = (float)((c == 0 ? 1 : -1) + (rng.NextDouble() - 0.5));
            y.Span[i] = c;
        }

        return new Dataset("blobs", x, y, 2);
    }
}
