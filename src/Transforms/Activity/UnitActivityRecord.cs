namespace MLGradientInsight.Transforms.Activity;

/// <summary>
/// One per-unit row of the activity trace (000 §3.4.4): the activity of output unit <see cref="Unit"/>
/// (a neuron or a convolution filter) of a layer at one step.
/// </summary>
/// <param name="Run">The run id.</param>
/// <param name="Step">The 1-based global training step.</param>
/// <param name="Layer">The layer (or, in per-tensor mode, the tensor) name.</param>
/// <param name="Unit">The 0-based unit index (dimension 0 of the layer's tensors).</param>
/// <param name="Activity">The mean dI over the unit's included elements; NaN when none is included.</param>
public sealed record UnitActivityRecord(string Run, long Step, string Layer, int Unit, double Activity);
