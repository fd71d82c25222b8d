using Microsoft.ML;

namespace MLGradientInsight.Trainers.MLNet;

/// <summary>Multiclass trainers of <c>mlContext.GradientInsight()</c>: the label is a key (<c>MapValueToKey</c>).</summary>
public sealed class GradientInsightMulticlassCatalog : GradientInsightTrainerCatalog
{
    internal GradientInsightMulticlassCatalog(MLContext mlContext)
        : base(mlContext, multiclass: true)
    {
    }
}
