using System.Globalization;

namespace MLGradientInsight.Trainers.Optimizers;

/// <summary>
/// Optimizers and learning-rate schedules named by text, as <c>mlgi train --optimizer/--schedule</c> and the ML.NET
/// trainer take them. The optimizer gets one parameter group per layer.
/// </summary>
public static class OptimizerSpec
{
    /// <summary>The optimizer names.</summary>
    public static IReadOnlyList<string> Names { get; } = ["sgd", "momentum", "nesterov", "adagrad", "adadelta", "rmsprop", "adam", "adamw", "lars"];

    /// <summary>The accepted schedule forms, for messages.</summary>
    public const string ScheduleChoices = "constant, step:EPOCHS:GAMMA, exp:GAMMA, cosine[:ETA_MIN], plateau[:PATIENCE:FACTOR]";

    /// <summary>Creates an optimizer by name.</summary>
    /// <param name="name">One of <see cref="Names"/>.</param>
    /// <param name="model">The model; one parameter group per layer.</param>
    /// <param name="learningRate">The learning rate.</param>
    /// <param name="momentum">The momentum (null: 0.9 for momentum, nesterov and lars, 0 otherwise).</param>
    /// <param name="weightDecay">The weight decay.</param>
    /// <param name="slowLearningSteps">Above 1: the "slow learning" descent of seed 001 over this many steps.</param>
    /// <returns>The optimizer.</returns>
    /// <exception cref="ArgumentException">Unknown name (the message lists the valid ones), or an invalid value.</exception>
    public static Optimizer Create(string name, Sequential model, float learningRate, float? momentum = null, float weightDecay = 0, int slowLearningSteps = 1)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(model);
        IReadOnlyList<ParameterGroup> groups = ParameterGroup.PerLayer(model.Parameters, learningRate, weightDecay);
        Optimizer optimizer = name.Trim().ToLowerInvariant() switch
        {
            "sgd" => new Sgd(groups, new SgdOptions { LearningRate = learningRate, Momentum = momentum ?? 0f, WeightDecay = weightDecay }),
            "momentum" => new Sgd(groups, new SgdOptions { LearningRate = learningRate, Momentum = momentum ?? 0.9f, WeightDecay = weightDecay }),
            "nesterov" => new Sgd(groups, new SgdOptions { LearningRate = learningRate, Momentum = momentum ?? 0.9f, Nesterov = true, WeightDecay = weightDecay }),
            "adagrad" => new Adagrad(groups, new AdagradOptions { LearningRate = learningRate, WeightDecay = weightDecay }),
            "adadelta" => new Adadelta(groups, new AdadeltaOptions { LearningRate = learningRate, WeightDecay = weightDecay }),
            "rmsprop" => new RmsProp(groups, new RmsPropOptions { LearningRate = learningRate, Momentum = momentum ?? 0f, WeightDecay = weightDecay }),
            "adam" => new Adam(groups, new AdamOptions { LearningRate = learningRate, WeightDecay = weightDecay }),
            "adamw" => new AdamW(groups, new AdamWOptions { LearningRate = learningRate, WeightDecay = weightDecay }),
            "lars" => new Lars(groups, new LarsOptions { LearningRate = learningRate, Momentum = momentum ?? 0.9f, WeightDecay = weightDecay }),
            _ => throw new ArgumentException($"Unknown optimizer '{name}'. Valid choices: {string.Join(", ", Names)}.", nameof(name)),
        };
        return slowLearningSteps > 1 ? new SlowLearning(optimizer, slowLearningSteps) : optimizer;
    }

    /// <summary>Creates a learning-rate schedule from its text form.</summary>
    /// <param name="spec">One of <see cref="ScheduleChoices"/>.</param>
    /// <param name="epochs">The number of epochs (for <c>cosine</c>).</param>
    /// <returns>The scheduler, or null for <c>constant</c>.</returns>
    /// <exception cref="ArgumentException">The text is not a schedule (the message lists the valid forms).</exception>
    public static LearningRateScheduler? CreateSchedule(string spec, int epochs)
    {
        ArgumentNullException.ThrowIfNull(spec);
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
                _ => throw new ArgumentException($"Unknown schedule '{spec}'. Valid forms: {ScheduleChoices}.", nameof(spec)),
            };
        }
        catch (Exception e) when (e is FormatException or OverflowException)
        {
            throw new ArgumentException(
                $"Schedule '{spec}': every value must be a number written with a dot as the decimal point (e.g. step:10:0.5). Valid forms: {ScheduleChoices}.", nameof(spec), e);
        }
        catch (ArgumentException e) when (e.ParamName != nameof(spec))
        {
            throw new ArgumentException(
                $"Schedule '{spec}' has a value out of range: EPOCHS and PATIENCE must be positive, GAMMA and FACTOR in (0, 1]. Valid forms: {ScheduleChoices}.", nameof(spec), e);
        }
    }

    private static int Int(string s) => int.Parse(s, NumberStyles.Integer, CultureInfo.InvariantCulture);

    private static float Float(string s) => float.Parse(s, NumberStyles.Float, CultureInfo.InvariantCulture);
}
