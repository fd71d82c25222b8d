namespace MLGradientInsight.Transforms.Activity;

/// <summary>How gradient values are combined before the activity algorithm runs on them (000 §3.4.1).</summary>
public enum ActivityGrouping
{
    /// <summary>Every gradient element is tracked on its own (the paper's default).</summary>
    Element = 0,

    /// <summary>
    /// One value per output unit (neuron or convolution filter): for a tensor of shape (out, …) the sum over
    /// all dimensions but 0. The weight row and the bias of a unit are added together, so the unit's value is
    /// Σ (weight gradients of unit u) + (bias gradient of unit u). Tensors of one layer whose dimension 0
    /// differs are tracked as separate blocks of units.
    /// </summary>
    Unit = 1,

    /// <summary>One value per tensor: the sum of all its gradient elements.</summary>
    Tensor = 2,
}
