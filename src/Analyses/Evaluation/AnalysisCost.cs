namespace MLGradientInsight.Analyses.Evaluation;

/// <summary>What an analysis will cost, known before it starts: model evaluations × samples per evaluation.</summary>
/// <param name="Evaluations">The number of full evaluations of the model.</param>
/// <param name="SamplesPerEvaluation">The number of samples each evaluation runs through the model.</param>
public sealed record AnalysisCost(long Evaluations, int SamplesPerEvaluation)
{
    /// <summary>Gets the total number of forward passes of one sample.</summary>
    public long SampleForwards => Evaluations * SamplesPerEvaluation;

    /// <inheritdoc/>
    public override string ToString() =>
        FormattableString.Invariant($"{Evaluations:N0} evaluations × {SamplesPerEvaluation:N0} samples = {SampleForwards:N0} sample forward passes");
}
