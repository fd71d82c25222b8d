namespace MLGradientInsight.Trainers.Data;

/// <summary>Options for <see cref="FashionMnist.Load(FashionMnistOptions)"/>.</summary>
public sealed class FashionMnistOptions
{
    /// <summary>Gets the directory with the four IDX files; <see langword="null"/> means <see cref="FashionMnist.DefaultDirectory"/>.</summary>
    public string? Directory { get; init; }

    /// <summary>Gets whether to pad every image with two zero pixels on each side to 32 × 32 (the input size of LeNet-5).</summary>
    public bool PadTo32 { get; init; }

    /// <summary>Gets the largest number of samples read per split (train and test each), or <see langword="null"/> for all.</summary>
    public int? Limit { get; init; }

    /// <summary>Gets whether to normalise pixels as (x − <see cref="Mean"/>) / <see cref="StandardDeviation"/> after scaling to [0, 1].</summary>
    /// <remarks>Applied after padding, so padded pixels become −mean/std (torchvision's <c>Pad → ToTensor → Normalize</c>).</remarks>
    public bool Normalize { get; init; }

    /// <summary>Gets the mean for <see cref="Normalize"/>; the default is the Fashion-MNIST training-set pixel mean.</summary>
    public float Mean { get; init; } = FashionMnist.PixelMean;

    /// <summary>Gets the standard deviation for <see cref="Normalize"/>; the default is the Fashion-MNIST training-set pixel standard deviation.</summary>
    public float StandardDeviation { get; init; } = FashionMnist.PixelStandardDeviation;

    /// <summary>Checks the values.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A value is out of range.</exception>
    internal void Validate()
    {
        if (Limit is int limit)
        {
            ArgumentOutOfRangeException.ThrowIfNegativeOrZero(limit, nameof(Limit));
        }

        if (!(StandardDeviation > 0) || !float.IsFinite(StandardDeviation))
        {
            throw new ArgumentOutOfRangeException(nameof(StandardDeviation), StandardDeviation, "The standard deviation must be positive and finite.");
        }

        if (!float.IsFinite(Mean))
        {
            throw new ArgumentOutOfRangeException(nameof(Mean), Mean, "The mean must be finite.");
        }
    }
}
