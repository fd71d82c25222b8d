namespace MLGradientInsight.Analyses.Robustness;

/// <summary>Whether a layer can be reset without harm (Zhang, Bengio &amp; Singer 2019).</summary>
/// <remarks>
/// Zhang et al. call a layer <i>robust</i> (in their first arXiv versions <i>ambient</i>) when resetting it does not hurt,
/// and <i>critical</i> when it does. Seed 002 uses "robust" the other way round (for the layers that matter, its fc1 and
/// conv1); we follow Zhang et al.
/// </remarks>
public enum LayerVerdict
{
    /// <summary>Resetting the layer costs less than the threshold.</summary>
    Robust,

    /// <summary>Resetting the layer costs at least the threshold.</summary>
    Critical,
}
