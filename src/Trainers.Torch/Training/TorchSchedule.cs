using MLGradientInsight.Trainers.Optimizers;
using TorchSharp;
using static TorchSharp.torch;

namespace MLGradientInsight.Trainers.Torch.Training;

/// <summary>
/// A per-epoch learning-rate schedule of <see cref="TorchTrainer"/>, mapped to <c>torch.optim.lr_scheduler</c>: the same
/// schedules and parameters as the managed engine's (<c>StepLr</c>, <c>ExponentialLr</c>, <c>CosineAnnealingLr</c>,
/// <c>ReduceLrOnPlateau</c>), which follow PyTorch.
/// </summary>
public sealed class TorchSchedule
{
    private readonly Func<optim.Optimizer, int, optim.lr_scheduler.LRScheduler> _create;

    private TorchSchedule(string description, bool usesMetric, Func<optim.Optimizer, int, optim.lr_scheduler.LRScheduler> create)
    {
        Description = description;
        UsesMetric = usesMetric;
        _create = create;
    }

    /// <summary>Gets a short description (<c>step 5 × 0.5</c>).</summary>
    public string Description { get; }

    /// <summary>Gets whether the schedule is stepped with the validation loss (reduce-on-plateau).</summary>
    public bool UsesMetric { get; }

    /// <summary>Multiplies the rate by <paramref name="gamma"/> every <paramref name="epochs"/> epochs (<c>StepLR</c>).</summary>
    /// <param name="epochs">The period, ≥ 1.</param>
    /// <param name="gamma">The factor.</param>
    /// <returns>The schedule.</returns>
    public static TorchSchedule Step(int epochs, double gamma)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(epochs);
        return new($"step {epochs} × {gamma}", false, (o, _) => optim.lr_scheduler.StepLR(o, epochs, gamma));
    }

    /// <summary>Multiplies the rate by <paramref name="gamma"/> every epoch (<c>ExponentialLR</c>).</summary>
    /// <param name="gamma">The factor.</param>
    /// <returns>The schedule.</returns>
    public static TorchSchedule Exponential(double gamma) => new($"exp {gamma}", false, (o, _) => optim.lr_scheduler.ExponentialLR(o, gamma));

    /// <summary>Cosine annealing from the initial rate to <paramref name="minimum"/> over the run's epochs (<c>CosineAnnealingLR</c>, T_max = epochs).</summary>
    /// <param name="minimum">η_min.</param>
    /// <returns>The schedule.</returns>
    public static TorchSchedule Cosine(double minimum = 0) => new($"cosine {minimum}", false, (o, epochs) => optim.lr_scheduler.CosineAnnealingLR(o, epochs, minimum));

    /// <summary>Cosine annealing over <paramref name="maxEpochs"/> epochs (<c>CosineAnnealingLR</c>, T_max = <paramref name="maxEpochs"/>).</summary>
    /// <param name="maxEpochs">T_max, ≥ 1.</param>
    /// <param name="minimum">η_min.</param>
    /// <returns>The schedule.</returns>
    public static TorchSchedule Cosine(int maxEpochs, double minimum)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxEpochs);
        return new($"cosine {maxEpochs} {minimum}", false, (o, _) => optim.lr_scheduler.CosineAnnealingLR(o, maxEpochs, minimum));
    }

    /// <summary>The TorchSharp equivalent of one of the managed engine's schedulers.</summary>
    /// <param name="scheduler">A <see cref="StepLr"/>, <see cref="ExponentialLr"/>, <see cref="CosineAnnealingLr"/> or <see cref="ReduceLrOnPlateau"/>.</param>
    /// <returns>The schedule.</returns>
    /// <exception cref="NotSupportedException">Another scheduler type.</exception>
    public static TorchSchedule From(LearningRateScheduler scheduler) => scheduler switch
    {
        StepLr s => Step(s.StepSize, s.Gamma),
        ExponentialLr e => Exponential(e.Gamma),
        CosineAnnealingLr c => Cosine(c.MaxEpochs, c.MinLearningRate),
        ReduceLrOnPlateau r => Plateau(r.Options.Patience, r.Options.Factor),
        null => throw new ArgumentNullException(nameof(scheduler)),
        _ => throw new NotSupportedException($"{scheduler.GetType().Name} has no TorchSharp equivalent here; use StepLr, ExponentialLr, CosineAnnealingLr or ReduceLrOnPlateau."),
    };

    /// <summary>Multiplies the rate by <paramref name="factor"/> when the validation loss has not improved for <paramref name="patience"/> epochs (<c>ReduceLROnPlateau</c>, mode min).</summary>
    /// <param name="patience">Epochs without improvement tolerated.</param>
    /// <param name="factor">The factor.</param>
    /// <returns>The schedule.</returns>
    public static TorchSchedule Plateau(int patience = 10, double factor = 0.1) =>
        new($"plateau {patience} × {factor}", true, (o, _) => optim.lr_scheduler.ReduceLROnPlateau(o, "min", factor, patience));

    internal optim.lr_scheduler.LRScheduler Create(optim.Optimizer optimizer, int epochs) => _create(optimizer, epochs);
}
