namespace MLGradientInsight.Trainers.Layers;

/// <summary>y = x for x &gt; 0 else a·x; dy/dx = 1 for x &gt; 0 else a (PyTorch's convention at 0), as <c>nn.LeakyReLU</c>.</summary>
public sealed class LeakyReLU : ElementwiseActivation
{
    /// <summary>Creates the activation.</summary>
    /// <param name="name">The layer name.</param>
    /// <param name="negativeSlope">The slope a for negative inputs.</param>
    /// <exception cref="ArgumentOutOfRangeException">The slope is not finite.</exception>
    public LeakyReLU(string name = "leaky_relu", float negativeSlope = 0.01f)
        : base(name)
    {
        if (!float.IsFinite(negativeSlope))
        {
            throw new ArgumentOutOfRangeException(nameof(negativeSlope), negativeSlope, "The negative slope must be finite.");
        }

        NegativeSlope = negativeSlope;
    }

    /// <summary>Gets the slope for negative inputs.</summary>
    public float NegativeSlope { get; }

    /// <inheritdoc/>
    protected override void Apply(ReadOnlySpan<float> x, Span<float> destination)
    {
        float a = NegativeSlope;
        for (int i = 0; i < x.Length; i++)
        {
            float v = x[i];
            destination[i] = v > 0f ? v : v * a;
        }
    }

    /// <inheritdoc/>
    protected override void Derive(ReadOnlySpan<float> x, ReadOnlySpan<float> y, ReadOnlySpan<float> outputGradient, Span<float> destination)
    {
        float a = NegativeSlope;
        for (int i = 0; i < x.Length; i++)
        {
            destination[i] = x[i] > 0f ? outputGradient[i] : outputGradient[i] * a;
        }
    }
}
