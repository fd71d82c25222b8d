namespace MLGradientInsight.Trainers.Data;

/// <summary>Images read from an IDX file: <see cref="Count"/> row-major images of <see cref="Rows"/> × <see cref="Columns"/> bytes.</summary>
/// <param name="Pixels">The pixels, image after image, row-major, length <c>Count · Rows · Columns</c>.</param>
/// <param name="Count">The number of images.</param>
/// <param name="Rows">The image height.</param>
/// <param name="Columns">The image width.</param>
public sealed record IdxImages(byte[] Pixels, int Count, int Rows, int Columns)
{
    /// <summary>Gets the pixels of one image.</summary>
    /// <param name="index">The image index.</param>
    /// <returns>Rows · Columns bytes.</returns>
    public ReadOnlySpan<byte> Image(int index)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, Count);
        return Pixels.AsSpan(index * Rows * Columns, Rows * Columns);
    }
}
