using MLGradientInsight.Trainers.Optimizers;

namespace MLGradientInsight.Cli;

/// <summary>Parses <c>--schedule</c> (the forms are <see cref="OptimizerSpec.ScheduleChoices"/>).</summary>
internal static class ScheduleSpec
{
    public static LearningRateScheduler? Create(string spec, int epochs)
    {
        try
        {
            return OptimizerSpec.CreateSchedule(spec, epochs);
        }
        catch (ArgumentException e)
        {
            throw new CliException($"--schedule: {e.Message.Split(" (Parameter")[0]}");
        }
    }
}
