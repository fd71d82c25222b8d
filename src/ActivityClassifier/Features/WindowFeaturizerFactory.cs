using Microsoft.ML;
using Microsoft.ML.Transforms;

namespace MLGradientInsight.ActivityClassifier.Features;

/// <summary>
/// The window featurizer as an ML.NET transform: a stateless <c>CustomMapping</c> from <see cref="TraceWindow"/> columns to a
/// <c>Features</c> vector (<see cref="WindowFeatures"/>). Because of the factory attribute and its stable contract name,
/// a pipeline that contains it saves into and loads from an ML.NET model zip (register this assembly first:
/// <c>mlContext.ComponentCatalog.RegisterAssembly(typeof(WindowFeaturizerFactory).Assembly)</c>).
/// </summary>
/// <example>
/// <code>
/// IDataView windows = mlContext.Data.LoadFromEnumerable(TraceWindower.Windows(trace));
/// var pipeline = WindowFeaturizerFactory.CreateEstimator(mlContext)
///     .Append(mlContext.Transforms.NormalizeMinMax("Features"));
/// </code>
/// </example>
[CustomMappingFactoryAttribute(ContractName)]
public sealed class WindowFeaturizerFactory : CustomMappingFactory<TraceWindow, WindowFeatureVector>
{
    /// <summary>The contract name stored in saved models; never change it (old zips would not load).</summary>
    public const string ContractName = "MLGradientInsight.ActivityWindowFeatures.v1";

    /// <summary>Creates the estimator (a <c>CustomMapping</c> with this factory's mapping and contract name).</summary>
    /// <param name="mlContext">The ML.NET context.</param>
    /// <returns>The estimator; its output adds the <c>Features</c> column.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="mlContext"/> is null.</exception>
    public static CustomMappingEstimator<TraceWindow, WindowFeatureVector> CreateEstimator(MLContext mlContext)
    {
        ArgumentNullException.ThrowIfNull(mlContext);
        return mlContext.Transforms.CustomMapping(new WindowFeaturizerFactory().GetMapping(), ContractName);
    }

    /// <summary>Gets the row mapping: computes <see cref="WindowFeatures"/> of the input window.</summary>
    /// <returns>The mapping.</returns>
    public override Action<TraceWindow, WindowFeatureVector> GetMapping() => static (window, output) =>
    {
        if (output.Features is null || output.Features.Length != WindowFeatureVector.Length)
        {
            output.Features = new float[WindowFeatureVector.Length];
        }

        WindowFeatures.Compute(window, output.Features);
    };
}
