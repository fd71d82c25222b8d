namespace MLGradientInsight.Trainers.Optimizers;

/// <summary>Decays every group's learning rate by γ each epoch, as <c>torch.optim.lr_scheduler.ExponentialLR</c>.</summary>
/// <remarks>After epoch e: η = η₀·γᵉ (η₀ = <see cref="ParameterGroup.InitialLearningRate"/>).</remarks>
public sealed class ExponentialLr : LearningRateScheduler
{
    /// <summary>Creates the schedule.</summary>
    /// <param name="gamma">The factor γ per epoch, in (0, 1].</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="gamma"/> is out of range.</exception>
    public ExponentialLr(float gamma)
    {
        if (!(gamma > 0 && gamma <= 1))
        {
            OptionChecks.Throw(nameof(gamma), gamma, "must lie in (0, 1]");
        }

        Gamma = gamma;
    }

    /// <summary>Gets γ.</summary>
    public float Gamma { get; }

    /// <summary>Gets the learning rate after an epoch.</summary>
    /// <param name="initialLearningRate">η₀.</param>
    /// <param name="epoch">The number of completed epochs, ≥ 0.</param>
    /// <returns>η₀·γ^epoch.</returns>
    public float LearningRateAt(float initialLearningRate, int epoch) =>
        (float)(initialLearningRate * Math.Pow(Gamma, epoch));

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
