namespace MLGradientInsight.Transforms.Activity;

/// <summary>Describes one gradient tensor a <see cref="GradientActivityTracker"/> receives.</summary>
/// <param name="Layer">The layer it belongs to (<c>fc1</c>); tensors with the same layer name are tracked together.</param>
/// <param name="Name">The full tensor name (<c>fc1.weight</c>).</param>
/// <param name="Shape">The shape; dimension 0 is the output unit (neuron or filter).</param>
public sealed record TrackedTensor(string Layer, string Name, int[] Shape)
{
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

    /// <summary>Gets the number of output units: dimension 0, or 1 for a scalar.</summary>
    public int Units => Shape.Length == 0 ? 1 : Shape[0];
}
