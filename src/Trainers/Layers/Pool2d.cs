namespace MLGradientInsight.Trainers.Layers;

/// <summary>Base of the 2-D pooling layers over (N, C, H, W) batches: window, stride, padding and the output shape.</summary>
/// <remarks>OH = ⌊(H + 2p − k) / s⌋ + 1 and OW likewise (floor mode, dilation 1).</remarks>
public abstract class Pool2d : Module
{
    /// <summary>Initializes the layer.</summary>
    /// <param name="name">The layer name (<c>pool1</c>).</param>
    /// <param name="kernelSize">The window side k.</param>
    /// <param name="stride">The step; <see langword="null"/> for <paramref name="kernelSize"/>.</param>
    /// <param name="padding">Padding on every side, at most k / 2.</param>
    /// <exception cref="ArgumentOutOfRangeException">The kernel or stride is not positive, or the padding is negative or larger than k / 2.</exception>
    protected Pool2d(string name, int kernelSize, int? stride, int padding)
        : base(name)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(kernelSize);
        int s = stride ?? kernelSize;
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(s, nameof(stride));
        ArgumentOutOfRangeException.ThrowIfNegative(padding);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(padding, kernelSize / 2);
        KernelSize = kernelSize;
        Stride = s;
        Padding = padding;
    }

    /// <summary>Gets the window side.</summary>
    public int KernelSize { get; }

    /// <summary>Gets the step.</summary>
    public int Stride { get; }

    /// <summary>Gets the padding.</summary>
    public int Padding { get; }

    /// <inheritdoc/>
    /// <exception cref="ArgumentException">The shape is not (N, C, H, W) or the window does not fit.</exception>
    public override int[] OutputShape(ReadOnlySpan<int> inputShape)
    {
        (int oh, int ow) = OutputSize(inputShape, "inputShape");
        return [inputShape[0], inputShape[1], oh, ow];
    }

    /// <summary>Validates an (N, C, H, W) shape and returns the pooled (OH, OW).</summary>
    /// <param name="shape">The input shape.</param>
    /// <param name="paramName">The parameter name used in the error.</param>
    /// <returns>(OH, OW).</returns>
    /// <exception cref="ArgumentException">The shape is not rank 4 or the window does not fit.</exception>
    protected (int Height, int Width) OutputSize(ReadOnlySpan<int> shape, string paramName)
    {
        if (shape.Length != 4)
        {
            throw new ArgumentException($"{Name}: expected input of shape (N, C, H, W) but got {Tensor.FormatShape(shape)}.", paramName);
        }

        int oh = Im2Col.OutputSize(shape[2], KernelSize, Stride, Padding), ow = Im2Col.OutputSize(shape[3], KernelSize, Stride, Padding);
        if (oh <= 0 || ow <= 0)
        {
            throw new ArgumentException(
                $"{Name}: a {KernelSize}×{KernelSize} window with padding {Padding} does not fit input {Tensor.FormatShape(shape)}; use a smaller kernel or a larger input.", paramName);
        }

        return (oh, ow);
    }
}
