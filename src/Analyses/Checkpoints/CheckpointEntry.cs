namespace MLGradientInsight.Analyses.Checkpoints;

/// <summary>One checkpoint of a series kept during training.</summary>
/// <param name="Path">The safetensors file.</param>
/// <param name="Step">The optimizer step after which it was saved (0 = the initial weights θ0).</param>
/// <param name="Epoch">The epoch of that step (0 before training).</param>
/// <param name="Loss">The mean training batch loss over the steps since the previous checkpoint (NaN for step 0).</param>
public sealed record CheckpointEntry(string Path, long Step, int Epoch, double Loss);
