using Microsoft.ML.Data;

namespace MLGradientInsight.ActivityClassifier.Features;

/// <summary>The output row of the window featurizer: the <c>Features</c> column, a vector of <see cref="WindowFeatures.Count"/> floats.</summary>
public sealed class WindowFeatureVector
{
    /// <summary>The vector length (kept equal to <see cref="WindowFeatures.Count"/>; a test checks it).</summary>
    public const int Length = 24;

    /// <summary>Gets or sets the features, in <see cref="WindowFeatures.Names"/> order.</summary>
    [VectorType(Length)]
    public float[] Features { get; set; } = new float[Length];
}
