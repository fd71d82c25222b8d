namespace MLGradientInsight.Trainers.Optimizers;

/// <summary>
/// Multiplies every group's learning rate by a factor when the validation metric stops improving, as
/// <c>torch.optim.lr_scheduler.ReduceLROnPlateau</c> (epoch-based, on <see cref="OnEpochEnd"/>).
/// </summary>
/// <remarks>
/// At each epoch end with metric x: if x is better than the best so far (see <see cref="ThresholdMode"/>) it becomes
/// the best and the bad-epoch count resets, else the count grows; during a cooldown the count is held at 0. When the
/// count exceeds the patience, every rate becomes max(η·factor, minLearningRate) (skipped when the change is ≤ ε),
/// the cooldown starts and the count resets. A NaN metric is never better. The current rates are scaled, so manual
/// changes made during training are kept.
/// </remarks>
public sealed class ReduceLrOnPlateau : LearningRateScheduler
{
    private readonly ReduceLrOnPlateauOptions _options;
    private int _cooldownLeft;

    /// <summary>Creates the schedule for a loss-like metric.</summary>
    /// <param name="factor">The reduction factor, in (0, 1).</param>
    /// <param name="patience">Epochs without improvement tolerated, ≥ 0.</param>
    /// <param name="minLearningRate">The floor of every rate, ≥ 0.</param>
    /// <exception cref="ArgumentOutOfRangeException">A setting is out of range.</exception>
    public ReduceLrOnPlateau(float factor = 0.1f, int patience = 10, float minLearningRate = 0f)
        : this(new ReduceLrOnPlateauOptions { Factor = factor, Patience = patience, MinLearningRate = minLearningRate })
    {
    }

    /// <summary>Creates the schedule from options.</summary>
    /// <param name="options">The settings.</param>
    /// <exception cref="ArgumentNullException"><paramref name="options"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A setting is out of range.</exception>
    public ReduceLrOnPlateau(ReduceLrOnPlateauOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _options = options;
        Best = options.Mode == PlateauMode.Min ? double.PositiveInfinity : double.NegativeInfinity;
    }

    /// <summary>Gets the settings.</summary>
    public ReduceLrOnPlateauOptions Options => _options;

    /// <summary>Gets the best metric seen so far (±∞ before the first epoch).</summary>
    public double Best { get; private set; }

    /// <summary>Gets the number of consecutive epochs without improvement.</summary>
    public int BadEpochs { get; private set; }

    /// <summary>Gets the number of reductions made so far.</summary>
    public int Reductions { get; private set; }

    /// <inheritdoc/>
    public override void OnEpochEnd(Optimizer optimizer, int epoch, float validationLoss)
    {
        ArgumentNullException.ThrowIfNull(optimizer);
        double current = validationLoss;
        if (IsBetter(current))
        {
            Best = current;
            BadEpochs = 0;
        }
        else
        {
            BadEpochs++;
        }

        if (_cooldownLeft > 0)
        {
            _cooldownLeft--;
            BadEpochs = 0;
        }

        if (BadEpochs > _options.Patience)
        {
            foreach (ParameterGroup g in optimizer.Groups)
            {
                double old = g.LearningRate;
                double reduced = Math.Max(old * _options.Factor, _options.MinLearningRate);
                if (old - reduced > _options.Epsilon)
                {
                    g.LearningRate = (float)reduced;
                }
            }

            Reductions++;
            _cooldownLeft = _options.Cooldown;
            BadEpochs = 0;
        }
    }

    private bool IsBetter(double current)
    {
        double threshold = _options.Threshold;
        return (_options.Mode, _options.ThresholdMode) switch
        {
            (PlateauMode.Min, ThresholdMode.Relative) => current < Best * (1 - threshold),
            (PlateauMode.Min, _) => current < Best - threshold,
            (PlateauMode.Max, ThresholdMode.Relative) => current > Best * (threshold + 1),
            _ => current > Best + threshold,
        };
    }
}
