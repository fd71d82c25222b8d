namespace MLGradientInsight.Analyses.LinearPath;

/// <summary>What is moved along the path while everything else stays at θ1 (002 §5, §6).</summary>
public enum LinearPathScope
{
    /// <summary>The whole model moves (Goodfellow &amp; Vinyals 2015).</summary>
    Model,

    /// <summary>One layer at a time moves; the others stay at θ1 (002 §5, Fig. 3).</summary>
    Layer,

    /// <summary>One sampled scalar parameter at a time moves; everything else stays at θ1 (002 §6).</summary>
    Parameter,
}
