namespace MLGradientInsight.Trainers.Layers;

/// <summary>The sizes of one 2-D convolution or pooling over a (C, H, W) sample.</summary>
/// <param name="Channels">C.</param>
/// <param name="Height">H.</param>
/// <param name="Width">W.</param>
/// <param name="KernelHeight">kh.</param>
/// <param name="KernelWidth">kw.</param>
/// <param name="StrideHeight">sh.</param>
/// <param name="StrideWidth">sw.</param>
/// <param name="PaddingHeight">ph.</param>
/// <param name="PaddingWidth">pw.</param>
internal readonly record struct ConvGeometry(
    int Channels, int Height, int Width, int KernelHeight, int KernelWidth, int StrideHeight, int StrideWidth, int PaddingHeight, int PaddingWidth)
{
    /// <summary>Gets OH.</summary>
    public int OutputHeight => Im2Col.OutputSize(Height, KernelHeight, StrideHeight, PaddingHeight);

    /// <summary>Gets OW.</summary>
    public int OutputWidth => Im2Col.OutputSize(Width, KernelWidth, StrideWidth, PaddingWidth);
}
