namespace MLGradientInsight.Analyses.Robustness;

/// <summary>How a layer is reset (Zhang, Bengio &amp; Singer 2019, §2).</summary>
public enum LayerResetMode
{
    /// <summary>Re-initialisation: the layer goes back to its own initial values θ0.</summary>
    Reinitialization,

    /// <summary>Re-randomisation: the layer gets a fresh draw from the initial distribution.</summary>
    Rerandomization,
}
