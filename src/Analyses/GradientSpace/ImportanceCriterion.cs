namespace MLGradientInsight.Analyses.GradientSpace;

/// <summary>How the importance of one edge (one parameter θₖ) is measured from per-sample gradients gₙₖ over N samples (003, "important edges").</summary>
public enum ImportanceCriterion
{
    /// <summary>Mean absolute gradient (1/N) Σₙ |gₙₖ|.</summary>
    MeanAbsoluteGradient,

    /// <summary>Root-mean-square gradient √((1/N) Σₙ gₙₖ²); ranks edges as <see cref="Fisher"/> does.</summary>
    RmsGradient,

    /// <summary>
    /// SNIP's connection sensitivity |ḡₖ · wₖ| with ḡ = (1/N) Σₙ gₙ the gradient of the mean loss: the derivative of the loss
    /// with respect to a multiplicative mask on the edge (Lee et al. 2019, eq. 6; their normalisation by the sum over all edges
    /// does not change the ranking and is left out).
    /// </summary>
    ConnectionSensitivity,

    /// <summary>Diagonal of the empirical Fisher information (1/N) Σₙ gₙₖ² (true labels).</summary>
    Fisher,
}
