using Microsoft.ML;

namespace MLGradientInsight.Trainers.MLNet;

/// <summary>Regression trainers of <c>mlContext.GradientInsight()</c>: the label is Single.</summary>
public sealed class GradientInsightRegressionCatalog : GradientInsightTrainerCatalog
{
    internal GradientInsightRegressionCatalog(MLContext mlContext)
        : base(mlContext, multiclass: false)
    {
    }
}
