namespace MLGradientInsight.Analyses.GradientSpace;

/// <summary>The importance of one edge (one parameter element) under every criterion; one row of a CSV or an ML.NET data view.</summary>
/// <param name="Parameter">The parameter name (<c>fc1.weight</c>).</param>
/// <param name="Index">The flat index in the parameter (row-major).</param>
/// <param name="OutputUnit">Dimension 0: the neuron or filter the edge enters.</param>
/// <param name="InputIndex">The flat index within the unit (for a Linear weight the input feature; −1 for a bias).</param>
/// <param name="Weight">The parameter value.</param>
/// <param name="MeanAbsoluteGradient">(1/N) Σₙ |gₙ|.</param>
/// <param name="RmsGradient">√((1/N) Σₙ gₙ²).</param>
/// <param name="ConnectionSensitivity">|ḡ · w| (SNIP).</param>
/// <param name="Fisher">(1/N) Σₙ gₙ².</param>
public sealed record EdgeImportance(
    string Parameter,
    int Index,
    int OutputUnit,
    int InputIndex,
    float Weight,
    float MeanAbsoluteGradient,
    float RmsGradient,
    float ConnectionSensitivity,
    float Fisher)
{
    /// <summary>Gets the value of one criterion.</summary>
    /// <param name="criterion">The criterion.</param>
    /// <returns>The importance.</returns>
    public float Get(ImportanceCriterion criterion) => criterion switch
    {
        ImportanceCriterion.MeanAbsoluteGradient => MeanAbsoluteGradient,
        ImportanceCriterion.RmsGradient => RmsGradient,
        ImportanceCriterion.ConnectionSensitivity => ConnectionSensitivity,
        ImportanceCriterion.Fisher => Fisher,
        _ => throw new ArgumentOutOfRangeException(nameof(criterion), criterion, "Unknown importance criterion."),
    };
}
