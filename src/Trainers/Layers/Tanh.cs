using System.Numerics.Tensors;

namespace MLGradientInsight.Trainers.Layers;

/// <summary>y = tanh(x); dy/dx = 1 − y².</summary>
public sealed class Tanh : ElementwiseActivation
{
    /// <summary>Creates the activation.</summary>
    /// <param name="name">The layer name.</param>
    public Tanh(string name = "tanh")
        : base(name)
    {
    }

    /// <inheritdoc/>
    protected override void Apply(ReadOnlySpan<float> x, Span<float> destination) => TensorPrimitives.Tanh(x, destination);

    /// <inheritdoc/>
    protected override void Derive(ReadOnlySpan<float> x, ReadOnlySpan<float> y, ReadOnlySpan<float> outputGradient, Span<float> destination)
    {
        for (int i = 0; i < y.Length; i++)
        {
            destination[i] = (1f - (y[i] * y[i])) * outputGradient[i];
        }
    }
}
