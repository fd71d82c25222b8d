using System.Globalization;
using MLGradientInsight.ActivityClassifier.Actions;
using MLGradientInsight.ActivityClassifier.AutoAdjust;
using MLGradientInsight.ActivityClassifier.Diagnosis;
using MLGradientInsight.Trainers;
using MLGradientInsight.Trainers.Data;
using MLGradientInsight.Trainers.Layers;
using MLGradientInsight.Trainers.Losses;
using MLGradientInsight.Trainers.Models;
using MLGradientInsight.Trainers.Optimizers;
using MLGradientInsight.Trainers.Training;
using MLGradientInsight.Transforms.Activity;

// The closed loop's evaluation (README, "Closed loop"): per workload and seed, three arms with the same data,
// initialisation and guard rails — fixed: the learning rate as given; auto: the advisor's learning-rate actions
// (AutoAdjuster, as mlgi train --track --auto-adjust); random: as many actions of the same factor as the auto arm applied,
// each lower or raise with probability 1/2, at random steps after the warm-up, through the same controller (cool-down,
// bounds, NaN steps). Prints a CSV row per run and a Markdown table of mean ± standard deviation per workload and arm.
// Usage: auto-adjust-eval [SEEDS] (default 3).
int seeds = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 3;
EngineSettings.MaxDegreeOfParallelism = 1;
var options = new AutoAdjustOptions { WarmupSteps = 50, CooldownSteps = 100, Factor = 2 };
(Dataset Train, Dataset Test) fashion = FashionMnist.Load(new FashionMnistOptions { Limit = 2400, Normalize = true });
Workload[] workloads =
[
    new("fmnist-mlp, lr 1.0 (too high)", _ => fashion, s => ModelZoo.Mlp([784, 64, 10], Activation.ReLU, s, flattenInput: true), 1.0f, 16, 2, true),
    new("spirals-mlp, lr 5 (too high)", s => (SyntheticTasks.TwoSpirals(1200, s, 0.05), SyntheticTasks.TwoSpirals(400, s + 1000, 0.05)), s => ModelZoo.Mlp([2, 32, 32, 2], Activation.ReLU, s), 5f, 16, 4, true),
    new("blobs-mlp, lr 0.001 (too low)", s => (SyntheticTasks.GaussianBlobs(1200, 4, s), SyntheticTasks.GaussianBlobs(400, 4, s + 1000)), s => ModelZoo.Mlp([2, 16, 16, 4], Activation.ReLU, s), 0.001f, 8, 4, true),
    new("curve-001, lr 0.5 (too high)", s => (SyntheticTasks.Curve(1200, s), SyntheticTasks.Curve(400, s + 1000)), ModelZoo.Kraidiky, 0.5f, 8, 4, false),
];

var results = new List<(string Workload, string Arm, int Seed, double Loss, double Accuracy, int Actions)>();
Console.WriteLine("workload,arm,seed,test_loss,test_accuracy,applied_actions,final_lr");
foreach (Workload w in workloads)
{
    for (int seed = 1; seed <= seeds; seed++)
    {
        Run fixedRun = Train(w, seed, "fixed", 0);
        Run auto = Train(w, seed, "auto", 0);
        Run random = Train(w, seed, "random", auto.Applied);
        foreach (Run r in new[] { fixedRun, auto, random })
        {
            results.Add((w.Name, r.Arm, seed, r.Loss, r.Accuracy, r.Applied));
            Console.WriteLine(FormattableString.Invariant($"\"{w.Name}\",{r.Arm},{seed},{r.Loss:G4},{r.Accuracy:G4},{r.Applied},{r.FinalLearningRate:G4}"));
        }
    }
}

Console.WriteLine();
Console.WriteLine("| workload | arm | test loss (mean ± sd) | test accuracy (mean ± sd) | lr changes (mean) |");
Console.WriteLine("|---|---|---|---|---|");
foreach (var group in results.GroupBy(r => (r.Workload, r.Arm)))
{
    Console.WriteLine(FormattableString.Invariant(
        $"| {group.Key.Workload} | {group.Key.Arm} | {MeanSd(group.Select(r => r.Loss))} | {(double.IsNaN(group.First().Accuracy) ? "—" : MeanSd(group.Select(r => r.Accuracy)))} | {group.Average(r => r.Actions):F1} |"));
}

return 0;

Run Train(Workload w, int seed, string arm, int randomActions)
{
    (Dataset train, Dataset test) = w.Data(seed);
    Sequential model = w.Model(seed);
    var optimizer = new Sgd(ParameterGroup.PerLayer(model.Parameters, w.LearningRate));
    var trainer = new Trainer(model, w.Classification ? new SoftmaxCrossEntropyLoss() : new MseLoss(), optimizer,
        new TrainerOptions { Epochs = w.Epochs, BatchSize = w.BatchSize, Seed = seed });
    var controller = new LearningRateController(options, () => optimizer.Groups[0].LearningRate, optimizer.ScaleLearningRates);
    var disposables = new List<IDisposable>();
    if (arm == "auto")
    {
        GradientActivityTracker tracker = model.CreateActivityTracker(new GradientActivityOptions { RunId = "eval", MaxDegreeOfParallelism = 1 });
        disposables.Add(tracker.Attach(trainer, new AutoAdjuster(new TrainingAdvisor(), controller)));
    }
    else if (arm == "random")
    {
        long total = (long)((train.Count + w.BatchSize - 1) / w.BatchSize) * w.Epochs;
        var random = new Random(1000 + seed);
        var planned = new Dictionary<long, RankedAction>();
        for (int i = 0; i < randomActions; i++)
        {
            // Random steps at least one cool-down apart (as many as fit), random direction.
            for (int attempt = 0; attempt < 1000; attempt++)
            {
                long step = random.NextInt64(options.WarmupSteps, total);
                if (planned.Keys.All(p => Math.Abs(p - step) >= options.CooldownSteps))
                {
                    planned[step] = new RankedAction(random.Next(2) == 0 ? "lower-learning-rate" : "raise-learning-rate", 1, "random");
                    break;
                }
            }
        }

        disposables.Add(trainer.OnGradientsComputed((in TrainingStepContext c) =>
        {
            if (planned.TryGetValue(c.Step, out RankedAction? action))
            {
                controller.Consider(c.Step, action, float.IsFinite(c.Loss));
            }
        }));
    }

    TrainingResult result = trainer.Fit(train, test);
    foreach (IDisposable d in disposables)
    {
        d.Dispose();
    }

    EpochSummary last = result.Epochs.Count > 0 ? result.Epochs[^1] : new EpochSummary(0, double.NaN, double.NaN, double.NaN, double.NaN, 0, 0);
    double accuracy = w.Classification ? last.ValidationAccuracy : double.NaN;
    double loss = result.Status == TrainingStatus.Completed ? last.ValidationLoss : double.PositiveInfinity;
    return new Run(arm, loss, accuracy, controller.AppliedCount, optimizer.Groups[0].LearningRate);
}

static string MeanSd(IEnumerable<double> values)
{
    double[] v = [.. values];
    double mean = v.Average();
    double sd = Math.Sqrt(v.Sum(x => (x - mean) * (x - mean)) / Math.Max(1, v.Length - 1));
    return FormattableString.Invariant($"{mean:G4} ± {sd:G2}");
}

internal sealed record Workload(string Name, Func<int, (Dataset Train, Dataset Test)> Data, Func<int, Sequential> Model, float LearningRate, int BatchSize, int Epochs, bool Classification);

internal sealed record Run(string Arm, double Loss, double Accuracy, int Applied, double FinalLearningRate);
