using System.Globalization;
using MLGradientInsight.Trainers.Optimizers;

namespace MLGradientInsight.Cli;

/// <summary>Parses <c>--schedule</c>.</summary>
internal static class ScheduleSpec
{
    public const string Choices = "constant, step:EPOCHS:GAMMA, exp:GAMMA, cosine[:ETA_MIN], plateau[:PATIENCE:FACTOR]";

    public static LearningRateScheduler? Create(string spec, int epochs)
    {
        string[] p = spec.Trim().ToLowerInvariant().Split(':');
        try
        {
            return p[0] switch
            {
                "constant" when p.Length == 1 => null,
                "step" when p.Length == 3 => new StepLr(Int(p[1]), Float(p[2])),
                "exp" when p.Length == 2 => new ExponentialLr(Float(p[1])),
                "cosine" when p.Length <= 2 => new CosineAnnealingLr(epochs, p.Length == 2 ? Float(p[1]) : 0f),
                "plateau" when p.Length == 1 => new ReduceLrOnPlateau(),
                "plateau" when p.Length == 3 => new ReduceLrOnPlateau(patience: Int(p[1]), factor: Float(p[2])),
                _ => throw CliException.Usage($"Unknown --schedule '{spec}'. Valid forms: {Choices}."),
            };
        }
        catch (FormatException)
        {
            throw CliException.Usage($"--schedule '{spec}': every number must be written with a dot as the decimal point (e.g. step:10:0.5). Valid forms: {Choices}.");
        }
        catch (ArgumentOutOfRangeException e)
        {
            throw CliException.Usage($"--schedule '{spec}': {e.ParamName ?? "a value"} {e.ActualValue} is out of range. Valid forms: {Choices}, with positive EPOCHS and PATIENCE and GAMMA, FACTOR in (0, 1].");
        }
        catch (ArgumentException)
        {
            throw CliException.Usage($"--schedule '{spec}' has a value out of range. Valid forms: {Choices}, with positive EPOCHS and PATIENCE and GAMMA, FACTOR in (0, 1].");
        }
    }

    private static int Int(string s) => int.Parse(s, NumberStyles.Integer, CultureInfo.InvariantCulture);

    private static float Float(string s) => float.Parse(s, NumberStyles.Float, CultureInfo.InvariantCulture);
}
