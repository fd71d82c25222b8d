using MLGradientInsight.Trainers.Optimizers;

namespace MLGradientInsight.Cli;

/// <summary>Parses <c>--schedule</c> through the library's <see cref="OptimizerSpec"/> (one parser for the CLI and ML.NET).</summary>
internal static class ScheduleSpec
{
    public const string Choices = OptimizerSpec.ScheduleChoices;

    public static LearningRateScheduler? Create(string spec, int epochs)
    {
        try
        {
            return OptimizerSpec.CreateSchedule(spec, epochs);
        }
        catch (ArgumentException e)
        {
            throw CliException.Usage($"--schedule: {e.Message.Replace($" (Parameter '{e.ParamName}')", "", StringComparison.Ordinal)}");
        }
    }
}
