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
    protected override void Apply(ReadOnlySpan<float> x, Span<float> destination) => ReLUKernel.Apply(x, destination);

    /// <inheritdoc/>
    protected override void Derive(ReadOnlySpan<float> x, ReadOnlySpan<float> y, ReadOnlySpan<float> outputGradient, Span<float> destination)
    {
        int n = x.Length;
        if (outputGradient.Length < n || destination.Length < n)
        {
            throw new ArgumentException("The gradient spans are shorter than the input.", nameof(outputGradient));
        }

        // dx = dy where x > 0, else +0 (a NaN x compares false).
        ReLUKernel.Mask(x, outputGradient[..n], destination[..n]);
    }
}
