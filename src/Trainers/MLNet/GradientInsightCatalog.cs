using Microsoft.ML;

namespace MLGradientInsight.Trainers.MLNet;

/// <summary>
/// The ML.NET entry point of MLGradientInsight: <c>mlContext.GradientInsight()</c>.
/// </summary>
/// <remarks>
/// Why an extension method on <see cref="MLContext"/> named after the product: ML.NET's own catalogs
/// (<c>mlContext.MulticlassClassification.Trainers</c>) do not give extension methods access to the <see cref="MLContext"/>
/// (its environment — seed, log — is internal to them), and a third-party estimator cannot derive from ML.NET's trainer
/// base classes. So, as ML.NET's own add-on packages do with their catalogs, the trainers hang off a catalog of their own,
/// named for the package so it cannot collide with a future ML.NET member and so every entry point of the product
/// (trainers now, activity views next) is found in one place by IntelliSense.
/// </remarks>
public sealed class GradientInsightCatalog
{
    internal GradientInsightCatalog(MLContext mlContext)
    {
        Context = mlContext;
        MulticlassClassification = new GradientInsightMulticlassCatalog(mlContext);
        Regression = new GradientInsightRegressionCatalog(mlContext);
    }

    /// <summary>Gets the trainers for multiclass classification.</summary>
    public GradientInsightMulticlassCatalog MulticlassClassification { get; }

    /// <summary>Gets the trainers for regression.</summary>
    public GradientInsightRegressionCatalog Regression { get; }

    internal MLContext Context { get; }
}
