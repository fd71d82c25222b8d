using System.Numerics.Tensors;

namespace MLGradientInsight.Trainers.Layers;

/// <summary>y = 1 / (1 + e^(−x)); dy/dx = y·(1 − y), as <c>nn.Sigmoid</c>.</summary>
public sealed class Sigmoid : ElementwiseActivation
{
    /// <summary>Creates the activation.</summary>
    /// <param name="name">The layer name.</param>
    public Sigmoid(string name = "sigmoid")
        : base(name)
    {
    }

    /// <inheritdoc/>
    protected override void Apply(ReadOnlySpan<float> x, Span<float> destination) => TensorPrimitives.Sigmoid(x, destination);

    /// <inheritdoc/>
    protected override void Derive(ReadOnlySpan<float> x, ReadOnlySpan<float> y, ReadOnlySpan<float> outputGradient, Span<float> destination)
    {
        for (int i = 0; i < y.Length; i++)
        {
            destination[i] = y[i] * (1f - y[i]) * outputGradient[i];
        }
    }
}
