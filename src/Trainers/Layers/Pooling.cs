namespace MLGradientInsight.Trainers.Layers;

/// <summary>Shape checks shared by the pooling layers.</summary>
internal static class Pooling
{
    /// <summary>Validates an (N, C, H, W) shape and returns the pooled (OH, OW).</summary>
    /// <param name="layer">The layer name, for the message.</param>
    /// <param name="shape">The input shape.</param>
    /// <param name="kernel">The window side.</param>
    /// <param name="stride">The step.</param>
    /// <param name="padding">The padding.</param>
    /// <param name="paramName">The parameter name used in the error.</param>
    /// <returns>(OH, OW).</returns>
    /// <exception cref="ArgumentException">The shape is not rank 4 or the window does not fit.</exception>
    internal static (int Height, int Width) OutputSize(string layer, ReadOnlySpan<int> shape, int kernel, int stride, int padding, string paramName)
    {
        if (shape.Length != 4)
        {
            throw new ArgumentException($"{layer}: expected input of shape (N, C, H, W) but got {Tensor.FormatShape(shape)}.", paramName);
        }

        int oh = Im2Col.OutputSize(shape[2], kernel, stride, padding), ow = Im2Col.OutputSize(shape[3], kernel, stride, padding);
        if (oh <= 0 || ow <= 0)
        {
            throw new ArgumentException(
                $"{layer}: a {kernel}×{kernel} window with padding {padding} does not fit input {Tensor.FormatShape(shape)}; use a smaller kernel or a larger input.", paramName);
        }

        return (oh, ow);
    }
}
