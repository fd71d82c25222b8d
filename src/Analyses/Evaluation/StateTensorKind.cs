namespace MLGradientInsight.Analyses.Evaluation;

/// <summary>What a state tensor is.</summary>
public enum StateTensorKind
{
    /// <summary>A trained parameter (weight, bias, BatchNorm scale and shift).</summary>
    Parameter,

    /// <summary>A running statistic that is not trained by gradients (BatchNorm <c>running_mean</c>, <c>running_var</c>).</summary>
    RunningStatistic,
}
