using System.Globalization;
using MLGradientInsight.Trainers;
using MLGradientInsight.Trainers.Optimizers;

namespace MLGradientInsight.Cli;

/// <summary>Builds the optimizer named by <c>--optimizer</c>, with one parameter group per layer.</summary>
internal static class OptimizerFactory
{
    public static readonly string[] Names = ["sgd", "momentum", "nesterov", "adagrad", "adadelta", "rmsprop", "adam", "adamw", "lars"];

    public static Optimizer Create(TrainSettings s, Sequential model)
    {
        IReadOnlyList<ParameterGroup> groups = ParameterGroup.PerLayer(model.Parameters, s.LearningRate, s.Optimizer == "adamw" ? 0f : s.WeightDecay);
        Optimizer optimizer = s.Optimizer switch
        {
            "sgd" => new Sgd(groups, new SgdOptions { LearningRate = s.LearningRate, Momentum = s.Momentum ?? 0f, WeightDecay = s.WeightDecay }),
            "momentum" => new Sgd(groups, new SgdOptions { LearningRate = s.LearningRate, Momentum = s.Momentum ?? 0.9f, WeightDecay = s.WeightDecay }),
            "nesterov" => new Sgd(groups, new SgdOptions { LearningRate = s.LearningRate, Momentum = s.Momentum ?? 0.9f, Nesterov = true, WeightDecay = s.WeightDecay }),
            "adagrad" => new Adagrad(groups, new AdagradOptions { LearningRate = s.LearningRate, WeightDecay = s.WeightDecay }),
            "adadelta" => new Adadelta(groups, new AdadeltaOptions { LearningRate = s.LearningRate, WeightDecay = s.WeightDecay }),
            "rmsprop" => new RmsProp(groups, new RmsPropOptions { LearningRate = s.LearningRate, Momentum = s.Momentum ?? 0f, WeightDecay = s.WeightDecay }),
            "adam" => new Adam(groups, new AdamOptions { LearningRate = s.LearningRate, WeightDecay = s.WeightDecay }),
            "adamw" => new AdamW(groups, new AdamWOptions { LearningRate = s.LearningRate, WeightDecay = s.WeightDecay }),
            "lars" => new Lars(groups, new LarsOptions { LearningRate = s.LearningRate, Momentum = s.Momentum ?? 0.9f, WeightDecay = s.WeightDecay }),
            _ => throw new CliException($"Unknown --optimizer '{s.Optimizer}'. Valid choices: {string.Join(", ", Names)}."),
        };
        return s.SlowLearningSteps > 1 ? new SlowLearning(optimizer, s.SlowLearningSteps) : optimizer;
    }

    public static string Describe(TrainSettings s)
    {
        string text = string.Create(CultureInfo.InvariantCulture, $"{s.Optimizer} lr {s.LearningRate}");
        if (s.Momentum is float m)
        {
            text += string.Create(CultureInfo.InvariantCulture, $" momentum {m}");
        }

        if (s.WeightDecay > 0)
        {
            text += string.Create(CultureInfo.InvariantCulture, $" weight decay {s.WeightDecay}");
        }

        if (s.SlowLearningSteps > 1)
        {
            text += $" slow-learning {s.SlowLearningSteps}";
        }

        return s.Schedule == "constant" ? text : $"{text} schedule {s.Schedule}";
    }
}
