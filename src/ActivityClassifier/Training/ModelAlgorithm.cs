namespace MLGradientInsight.ActivityClassifier.Training;

/// <summary>The ML.NET multiclass trainer behind the shape and action models.</summary>
public enum ModelAlgorithm
{
    /// <summary>LightGbm (deterministic: fixed seed, <c>Deterministic = true</c>, one thread).</summary>
    LightGbm,

    /// <summary>L-BFGS maximum entropy on min–max normalised features: a tiny, linear fallback.</summary>
    MaximumEntropy,
}
