using Microsoft.ML;
using MLGradientInsight.ActivityClassifier.Features;
using MLGradientInsight.ActivityClassifier.Training;

namespace MLGradientInsight.ActivityClassifier.Shapes;

/// <summary>
/// The shape model: an ML.NET pipeline (window featurizer <see cref="WindowFeaturizerFactory"/> → multiclass trainer)
/// mapping a <see cref="TraceWindow"/> to probabilities of <c>uniform | chaotic | rising | decaying</c>.
/// The shipped model is an embedded resource (<see cref="LoadDefault"/>); <c>mlgi classifier train</c> rebuilds it.
/// Instances are thread-safe (prediction is serialised).
/// </summary>
public sealed class ShapeModel
{
    internal const string ResourceName = "MLGradientInsight.ActivityClassifier.Models.shape-model.zip";
    private static readonly Lazy<ShapeModel> s_default = new(() => new ShapeModel(ModelResources.Load(ResourceName, out MLContext ml), ml));
    private readonly MLContext _ml;
    private readonly PredictionEngine<TraceWindow, MulticlassPrediction> _engine;
    private readonly object _gate = new();

    internal ShapeModel(ITransformer model, MLContext ml)
    {
        Model = model;
        _ml = ml;
        _engine = ml.Model.CreatePredictionEngine<TraceWindow, MulticlassPrediction>(model);
    }

    /// <summary>Gets the ML.NET model (featurizer + classifier); input columns are those of <see cref="TraceWindow"/>.</summary>
    public ITransformer Model { get; }

    /// <summary>Loads the model shipped inside this assembly.</summary>
    /// <returns>The shared instance.</returns>
    /// <exception cref="InvalidOperationException">The assembly was built without the model resource.</exception>
    public static ShapeModel LoadDefault() => s_default.Value;

    /// <summary>Loads a model zip written by <see cref="Save"/>.</summary>
    /// <param name="stream">The zip.</param>
    /// <returns>The model.</returns>
    public static ShapeModel Load(Stream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        return new ShapeModel(ModelResources.Load(stream, out MLContext ml), ml);
    }

    /// <summary>Trains a shape model on labelled windows.</summary>
    /// <param name="windows">Windows with <see cref="TraceWindow.Label"/> set to a shape name.</param>
    /// <param name="algorithm">The trainer.</param>
    /// <param name="seed">The seed (same seed and data → same model).</param>
    /// <returns>The model.</returns>
    public static ShapeModel Train(IEnumerable<TraceWindow> windows, ModelAlgorithm algorithm = ModelAlgorithm.LightGbm, int seed = 1)
    {
        var ml = ModelResources.CreateContext(seed);
        IDataView data = ml.Data.LoadFromEnumerable(windows);
        IEstimator<ITransformer> pipeline = WindowFeaturizerFactory.CreateEstimator(ml)
            .Append(MulticlassPipeline.Tail(ml, ShapeNames.All, algorithm, seed));
        return new ShapeModel(pipeline.Fit(data), ml);
    }

    /// <summary>Saves the model as an ML.NET zip.</summary>
    /// <param name="stream">The destination.</param>
    public void Save(Stream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        IDataView empty = _ml.Data.LoadFromEnumerable(Array.Empty<TraceWindow>());
        _ml.Model.Save(Model, empty.Schema, stream);
    }

    /// <summary>The shape probabilities of one window, in <see cref="ActivityShape"/> order.</summary>
    /// <param name="window">The window.</param>
    /// <returns>Four probabilities summing to 1.</returns>
    public float[] Predict(TraceWindow window)
    {
        ArgumentNullException.ThrowIfNull(window);
        lock (_gate)
        {
            return [.. _engine.Predict(window).Score];
        }
    }
}
