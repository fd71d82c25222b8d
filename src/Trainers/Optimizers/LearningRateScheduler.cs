namespace MLGradientInsight.Trainers.Optimizers;

/// <summary>Changes the learning rates of an optimizer's groups as training runs.</summary>
public abstract class LearningRateScheduler
{
    /// <summary>Called after every optimizer step.</summary>
    /// <param name="optimizer">The optimizer.</param>
    /// <param name="step">The 1-based global step that just completed.</param>
    public virtual void OnStep(Optimizer optimizer, long step)
    {
    }

    /// <summary>Called at the end of every epoch.</summary>
    /// <param name="optimizer">The optimizer.</param>
    /// <param name="epoch">The 1-based epoch that just completed.</param>
    /// <param name="validationLoss">The validation loss of that epoch (or the training loss when there is no validation set).</param>
    public virtual void OnEpochEnd(Optimizer optimizer, int epoch, float validationLoss)
    {
    }
}
