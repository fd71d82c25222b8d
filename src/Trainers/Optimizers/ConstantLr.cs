namespace MLGradientInsight.Trainers.Optimizers;

/// <summary>Keeps every group at its initial learning rate: at each epoch end, η ← η₀ (undoing manual changes made during the epoch).</summary>
public sealed class ConstantLr : LearningRateScheduler
{
    /// <inheritdoc/>
    public override void OnEpochEnd(Optimizer optimizer, int epoch, float validationLoss)
    {
        ArgumentNullException.ThrowIfNull(optimizer);
        foreach (ParameterGroup g in optimizer.Groups)
        {
            g.LearningRate = g.InitialLearningRate;
        }
    }
}
