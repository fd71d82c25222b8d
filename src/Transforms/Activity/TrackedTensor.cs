namespace MLGradientInsight.Transforms.Activity;

/// <summary>
/// Describes one gradient tensor a <see cref="GradientActivityTracker"/> receives, independently of the engine that
/// trains it: each engine's adapter builds these from its own parameters (our engine: <c>ActivityTracking.ToTrackedTensors</c>
/// in MLGradientInsight.Trainers).
/// </summary>
/// <param name="Layer">The layer it belongs to (<c>fc1</c>); tensors with the same layer name are tracked together.</param>
/// <param name="Name">The full tensor name (<c>fc1.weight</c>), PyTorch's naming.</param>
/// <param name="Shape">The shape, outermost first; gradients are given row-major in this shape.</param>
public sealed record TrackedTensor(string Layer, string Name, int[] Shape)
{
    /// <summary>
    /// Gets the axis that indexes output units (neurons, convolution filters), used by unit grouping and unit detail
    /// (000 §3.4.1, §3.4.4). 0 by default: PyTorch's and our Linear (out, in) and Conv2d (out, in, kh, kw) weights and
    /// biases (out). A transposed convolution's weight (in, out, kh, kw) has unit axis 1.
    /// </summary>
    public int UnitAxis { get; init; }

    /// <summary>Gets the number of elements (the product of <see cref="Shape"/>; 1 for a scalar).</summary>
    public int Length
    {
        get
        {
            long n = 1;
            foreach (int d in Shape)
            {
                n *= d;
            }

            return (int)n;
        }
    }

    /// <summary>Gets the number of output units: the size of <see cref="UnitAxis"/>, or 1 for a scalar.</summary>
    public int Units => Shape.Length == 0 ? 1 : Shape[UnitAxis];

    /// <summary>Formats a shape as <c>[6, 1, 5, 5]</c> for messages.</summary>
    /// <param name="shape">The dimensions.</param>
    /// <returns>The text.</returns>
    public static string FormatShape(IReadOnlyList<int> shape)
    {
        ArgumentNullException.ThrowIfNull(shape);
        return "[" + string.Join(", ", shape) + "]";
    }

    /// <summary>Checks the description: a name, a layer, positive dimensions and a unit axis inside the shape.</summary>
    /// <param name="paramName">The argument name used in the exception.</param>
    /// <exception cref="ArgumentException">The description is inconsistent (the message names the tensor and the fix).</exception>
    internal void Validate(string paramName)
    {
        if (string.IsNullOrEmpty(Name) || string.IsNullOrEmpty(Layer))
        {
            throw new ArgumentException($"Tensor '{Name}' of layer '{Layer}' needs both a tensor name and a layer name.", paramName);
        }

        if (Shape is null || Shape.Any(d => d <= 0) || Length <= 0)
        {
            throw new ArgumentException($"Tensor '{Name}' has shape {FormatShape(Shape ?? [])} with no elements; every dimension must be positive.", paramName);
        }

        if (UnitAxis < 0 || (Shape.Length > 0 && UnitAxis >= Shape.Length) || (Shape.Length == 0 && UnitAxis != 0))
        {
            throw new ArgumentException($"Tensor '{Name}' has shape {FormatShape(Shape)} but unit axis {UnitAxis}; the unit axis must index one of its dimensions.", paramName);
        }
    }
}
