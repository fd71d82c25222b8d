using Microsoft.ML;

namespace MLGradientInsight.Trainers.MLNet;

/// <summary>Adds <c>mlContext.GradientInsight()</c>; see <see cref="GradientInsightCatalog"/> for why it is a catalog of its own.</summary>
public static class MLContextExtensions
{
    /// <summary>Gets MLGradientInsight's catalog: neural-network trainers on our engine that record gradient activity.</summary>
    /// <param name="mlContext">The ML.NET context; its seed and log are used.</param>
    /// <returns>The catalog.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="mlContext"/> is null.</exception>
    public static GradientInsightCatalog GradientInsight(this MLContext mlContext)
    {
        ArgumentNullException.ThrowIfNull(mlContext);
        return new GradientInsightCatalog(mlContext);
    }
}
