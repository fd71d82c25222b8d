namespace MLGradientInsight.Trainers.Optimizers;

/// <summary>Decays every group's learning rate by γ every <see cref="StepSize"/> epochs, as <c>torch.optim.lr_scheduler.StepLR</c>.</summary>
/// <remarks>After epoch e: η = η₀·γ^⌊e / stepSize⌋ (η₀ = <see cref="ParameterGroup.InitialLearningRate"/>).</remarks>
public sealed class StepLr : LearningRateScheduler
{
    /// <summary>Creates the schedule.</summary>
    /// <param name="stepSize">Epochs between decays, ≥ 1.</param>
    /// <param name="gamma">The factor γ, in (0, 1].</param>
    /// <exception cref="ArgumentOutOfRangeException">A setting is out of range.</exception>
    public StepLr(int stepSize, float gamma = 0.1f)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(stepSize);
        if (!(gamma > 0 && gamma <= 1))
        {
            OptionChecks.Throw(nameof(gamma), gamma, "must lie in (0, 1]");
        }

        StepSize = stepSize;
        Gamma = gamma;
    }

    /// <summary>Gets the number of epochs between decays.</summary>
    public int StepSize { get; }

    /// <summary>Gets γ.</summary>
    public float Gamma { get; }

    /// <summary>Gets the learning rate after an epoch.</summary>
    /// <param name="initialLearningRate">η₀.</param>
    /// <param name="epoch">The number of completed epochs, ≥ 0.</param>
    /// <returns>η₀·γ^⌊epoch / stepSize⌋.</returns>
    public float LearningRateAt(float initialLearningRate, int epoch) =>
        (float)(initialLearningRate * Math.Pow(Gamma, epoch / StepSize));

    /// <inheritdoc/>
    public override void OnEpochEnd(Optimizer optimizer, int epoch, float validationLoss)
    {
        ArgumentNullException.ThrowIfNull(optimizer);
        foreach (ParameterGroup g in optimizer.Groups)
        {
            g.LearningRate = LearningRateAt(g.InitialLearningRate, epoch);
        }
    }
}
