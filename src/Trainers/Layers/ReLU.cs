using System.Numerics.Tensors;

namespace MLGradientInsight.Trainers.Layers;

/// <summary>y = max(0, x); dy/dx = 1 for x &gt; 0 else 0 (PyTorch's convention at 0).</summary>
public sealed class ReLU : ElementwiseActivation
{
    /// <summary>Creates the activation.</summary>
    /// <param name="name">The layer name.</param>
    public ReLU(string name = "relu")
        : base(name)
    {
    }

    /// <inheritdoc/>
    protected override void Apply(ReadOnlySpan<float> x, Span<float> destination) => TensorPrimitives.Max(x, 0f, destination);

    /// <inheritdoc/>
    protected override void Derive(ReadOnlySpan<float> x, ReadOnlySpan<float> y, ReadOnlySpan<float> outputGradient, Span<float> destination)
    {
        for (int i = 0; i < x.Length; i++)
        {
            destination[i] = x[i] > 0f ? outputGradient[i] : 0f;
        }
    }
}
