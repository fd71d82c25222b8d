namespace MLGradientInsight.Analyses.GradientSpace;

/// <summary>Importance arrays of one parameter tensor (flat, row-major as the parameter).</summary>
internal sealed record ParameterImportance(
    string Name,
    int[] Shape,
    float[] Weights,
    float[] MeanAbsoluteGradient,
    float[] RmsGradient,
    float[] ConnectionSensitivity,
    float[] Fisher)
{
    public int Length => Weights.Length;

    public bool IsWeight => Name.EndsWith(".weight", StringComparison.Ordinal) && Shape.Length >= 2;

    public float[] Values(ImportanceCriterion criterion) => criterion switch
    {
        ImportanceCriterion.MeanAbsoluteGradient => MeanAbsoluteGradient,
        ImportanceCriterion.RmsGradient => RmsGradient,
        ImportanceCriterion.ConnectionSensitivity => ConnectionSensitivity,
        ImportanceCriterion.Fisher => Fisher,
        _ => throw new ArgumentOutOfRangeException(nameof(criterion), criterion, "Unknown importance criterion."),
    };

    public EdgeImportance Edge(int index)
    {
        int unitLength = Length / Shape[0];
        return new EdgeImportance(
            Name, index, index / unitLength, Shape.Length == 1 ? -1 : index % unitLength, Weights[index],
            MeanAbsoluteGradient[index], RmsGradient[index], ConnectionSensitivity[index], Fisher[index]);
    }
}
