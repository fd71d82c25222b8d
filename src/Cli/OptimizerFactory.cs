using System.Globalization;
using MLGradientInsight.Trainers;
using MLGradientInsight.Trainers.Optimizers;

namespace MLGradientInsight.Cli;

/// <summary>Builds the optimizer named by <c>--optimizer</c>, with one parameter group per layer.</summary>
internal static class OptimizerFactory
{
    public static readonly string[] Names = [.. OptimizerSpec.Names];

    public static Optimizer Create(TrainSettings s, Sequential model)
    {
        try
        {
            return OptimizerSpec.Create(s.Optimizer, model, s.LearningRate, s.Momentum, s.WeightDecay, s.SlowLearningSteps);
        }
        catch (ArgumentException e)
        {
            throw new CliException($"--optimizer: {e.Message.Split(" (Parameter")[0]}");
        }
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
