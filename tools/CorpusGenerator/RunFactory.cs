using MLGradientInsight.Trainers;
using MLGradientInsight.Trainers.Data;
using MLGradientInsight.Trainers.Layers;
using MLGradientInsight.Trainers.Optimizers;
using MLGradientInsight.Trainers.Training;
using MLGradientInsight.Transforms.Activity;

namespace MLGradientInsight.CorpusGenerator;

/// <summary>Trains one corpus run with the tracker attached (default tracker options, as `mlgi train --track`).</summary>
internal static class RunFactory
{
    /// <summary>The optimizer of a seed: 1 → SGD-momentum 0.9, 2 → Adam, 3 → plain SGD (5× the momentum rate), then repeating.</summary>
    /// <param name="seed">The seed.</param>
    /// <returns>The optimizer name.</returns>
    public static string OptimizerOf(int seed) => ((seed - 1) % 3) switch { 0 => "momentum", 1 => "adam", _ => "sgd" };

    public static CorpusRun Train(Workload workload, Condition condition, int seed)
    {
        (Dataset train, bool classification) = workload.Data(seed);
        train = Transform(train, condition, seed);
        Sequential model = condition.DeepSigmoid ? workload.DeepSigmoid(seed, train.SampleLength) : workload.Model(seed);
        Initialise(model, condition);
        string optimizerName = OptimizerOf(seed);
        double good = optimizerName switch { "adam" => workload.AdamLearningRate, "sgd" => 5 * workload.MomentumLearningRate, _ => workload.MomentumLearningRate };
        float lr = (float)(good * condition.LearningRateFactor);
        IReadOnlyList<ParameterGroup> groups = ParameterGroup.PerLayer(model.Parameters, lr);
        Optimizer optimizer = optimizerName switch
        {
            "adam" => new Adam(groups),
            "sgd" => new Sgd(groups),
            _ => new Sgd(groups, new SgdOptions { LearningRate = lr, Momentum = 0.9f }),
        };
        int stepsPerEpoch = (train.Count + workload.BatchSize - 1) / workload.BatchSize;
        long totalSteps = (long)stepsPerEpoch * workload.Epochs;
        var schedule = new FaultSchedule(condition, totalSteps);
        var trainer = new Trainer(model, workload.CreateLoss(classification), optimizer,
            new TrainerOptions { Epochs = workload.Epochs, BatchSize = workload.BatchSize, Seed = seed, Scheduler = schedule });
        string name = $"{workload.Name}/{condition.Name}/{optimizerName}/s{seed}";
        GradientActivityTracker tracker = model.CreateActivityTracker(new GradientActivityOptions { RunId = name, MaxDegreeOfParallelism = 1 });
        var sink = new InMemoryActivitySink();
        TrainingResult result;
        using (tracker.Attach(trainer, sink))
        {
            result = trainer.Fit(train);
        }

        List<ActivityRecord> records = [.. sink.Records];
        double[] losses = [.. records.Where(r => r.Layer == ActivityRecord.NetworkLayer).Select(r => r.Loss)];
        double firstLoss = Effectiveness.Median(losses.Take(20));
        double finalLoss = Effectiveness.Median(losses.Skip(Math.Max(0, losses.Length - 50)));
        return new CorpusRun(name, workload.Name, seed, optimizerName, condition, schedule.OnsetStep, result.Steps, result.Status.ToString(), firstLoss, finalLoss, records);
    }

    private static Dataset Transform(Dataset data, Condition condition, int seed)
    {
        if (!condition.ShuffleLabels && !condition.Unnormalised)
        {
            return data;
        }

        float[] features = data.Features.Span.ToArray();
        float[] targets = data.Targets.Span.ToArray();
        if (condition.Unnormalised)
        {
            // Fashion-MNIST: undo (x − mean)/std and give raw 0–255 pixels; synthetic tasks: ×100 + 50.
            bool images = data.SampleLength >= 784;
            for (int i = 0; i < features.Length; i++)
            {
                features[i] = images ? (features[i] * FashionMnist.PixelStandardDeviation + FashionMnist.PixelMean) * 255f : features[i] * 100f + 50f;
            }
        }

        if (condition.ShuffleLabels)
        {
            int n = data.Count, width = data.TargetLength;
            int[] order = [.. Enumerable.Range(0, n)];
            new Random(seed + 7919).Shuffle(order);
            float[] shuffled = new float[targets.Length];
            for (int i = 0; i < n; i++)
            {
                Array.Copy(targets, order[i] * width, shuffled, i * width, width);
            }

            targets = shuffled;
        }

        return new Dataset(data.Name, new Tensor(features, [.. data.Features.Shape]), new Tensor(targets, [.. data.Targets.Shape]), data.ClassCount);
    }

    private static void Initialise(Sequential model, Condition condition)
    {
        foreach (Parameter p in model.Parameters)
        {
            if (condition.InitScale != 1 && p.LocalName == "weight")
            {
                foreach (ref float w in p.Value.Span)
                {
                    w *= (float)condition.InitScale;
                }
            }
        }

        if (!double.IsNaN(condition.HiddenBias))
        {
            // Every layer but the output: a large negative bias switches its ReLUs off for almost every input.
            Parameter[] biases = [.. model.Parameters.Where(p => p.LocalName == "bias")];
            foreach (Parameter b in biases[..^1])
            {
                b.Value.Span.Fill((float)condition.HiddenBias);
            }
        }
    }

    /// <summary>Sets every group's rate to its initial rate × the condition's factor at the next step.</summary>
    private sealed class FaultSchedule : LearningRateScheduler
    {
        private readonly Condition _condition;
        private readonly long _total;

        public FaultSchedule(Condition condition, long total)
        {
            _condition = condition;
            _total = total;
            OnsetStep = condition.Action == "continue" ? 0
                : !double.IsNaN(condition.CollapseAt) ? CollapseStep
                : !double.IsNaN(condition.GrowTo) ? (long)Math.Ceiling(total * Math.Log(10) / Math.Log(condition.GrowTo))
                : 1;
        }

        public long OnsetStep { get; }

        private long CollapseStep => (long)Math.Round(_total * _condition.CollapseAt);

        public override void OnStep(Optimizer optimizer, long step)
        {
            double factor = 1;
            long next = step + 1;
            if (!double.IsNaN(_condition.CollapseAt) && next >= CollapseStep)
            {
                factor = 1e-3;
            }
            else if (!double.IsNaN(_condition.GrowTo))
            {
                factor = Math.Pow(_condition.GrowTo, (double)next / _total);
            }

            foreach (ParameterGroup g in optimizer.Groups)
            {
                g.LearningRate = (float)(g.InitialLearningRate * factor);
            }
        }
    }
}
