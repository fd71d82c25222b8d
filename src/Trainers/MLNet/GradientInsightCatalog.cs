using Microsoft.ML;
using MLGradientInsight.Transforms.DataView;

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

    /// <summary>Loads a model saved by <see cref="NeuralNetworkModel.Save"/> (safetensors + model spec) in any process; it predicts exactly as the saved one.</summary>
    /// <param name="path">The .safetensors file.</param>
    /// <returns>The model (no training history or activity trace).</returns>
    /// <exception cref="Checkpoints.CheckpointException">The file is damaged or does not match the spec (the message names the tensor).</exception>
    /// <exception cref="InvalidDataException">The file was not saved by <see cref="NeuralNetworkModel.Save"/>.</exception>
    public NeuralNetworkModel LoadModel(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        return NeuralNetworkModel.Load(Context, path);
    }

    /// <summary>
    /// Loads one run's activity trace from a run store as an <see cref="IDataView"/> read directly from SQLite (long form,
    /// columns of <c>ActivityColumns</c>; <see cref="ActivityDataView.ToWide"/> for one row per step). Safe while the run is
    /// still being written: the view holds the rows committed when it was made.
    /// </summary>
    /// <param name="storePath">The run store (<c>runs.db</c>).</param>
    /// <param name="run">The run id, a unique id prefix or a unique run name.</param>
    /// <returns>The view.</returns>
    /// <exception cref="ArgumentException">No such run.</exception>
    /// <exception cref="Transforms.Store.RunStoreException">The file is not a run store.</exception>
    public ActivityDataView LoadActivity(string storePath, string run) => ActivityDataView.FromStore(storePath, run);

    /// <summary>Loads an activity trace CSV (<c>mlgi export</c>, or a script) as an <see cref="IDataView"/>, like <see cref="LoadActivity(string, string)"/>.</summary>
    /// <param name="tracePath">The CSV file.</param>
    /// <returns>The view.</returns>
    /// <exception cref="Transforms.Traces.TraceFormatException">The file is not a valid trace (the message names line and column).</exception>
    public ActivityDataView LoadActivity(string tracePath) => ActivityDataView.FromTrace(tracePath);
}
