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
    private static readonly Lazy<ShapeModel> s_default = new(() => new ShapeModel(ScoringModel<TraceWindow>.FromResource(ResourceName)));
    private readonly ScoringModel<TraceWindow> _model;

    private ShapeModel(ScoringModel<TraceWindow> model) => _model = model;

    /// <summary>Gets the ML.NET model (featurizer + classifier); input columns are those of <see cref="TraceWindow"/>.</summary>
    public ITransformer Model => _model.Model;

    /// <summary>Loads the model shipped inside this assembly.</summary>
    /// <returns>The shared instance.</returns>
    /// <exception cref="InvalidOperationException">The assembly was built without the model resource.</exception>
    public static ShapeModel LoadDefault() => s_default.Value;

    /// <summary>Loads a model zip written by <see cref="Save"/>.</summary>
    /// <param name="stream">The zip.</param>
    /// <returns>The model.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="stream"/> is null.</exception>
    public static ShapeModel Load(Stream stream) => new(ScoringModel<TraceWindow>.FromStream(stream));

    /// <summary>Trains a shape model on labelled windows.</summary>
    /// <param name="windows">Windows with <see cref="TraceWindow.Label"/> set to a shape name.</param>
    /// <param name="algorithm">The trainer.</param>
    /// <param name="seed">The seed (same seed and data → same model).</param>
    /// <returns>The model.</returns>
    public static ShapeModel Train(IEnumerable<TraceWindow> windows, ModelAlgorithm algorithm = ModelAlgorithm.LightGbm, int seed = 1) =>
        new(ScoringModel<TraceWindow>.Fit(windows, ml => WindowFeaturizerFactory.CreateEstimator(ml).Append(MulticlassPipeline.Tail(ml, ShapeNames.All, algorithm, seed)), seed));

    /// <summary>Saves the model as an ML.NET zip.</summary>
    /// <param name="stream">The destination.</param>
    /// <exception cref="ArgumentNullException"><paramref name="stream"/> is null.</exception>
    public void Save(Stream stream) => _model.Save(stream);

    /// <summary>The shape probabilities of one window, in <see cref="ActivityShape"/> order.</summary>
    /// <param name="window">The window.</param>
    /// <returns>Four probabilities summing to 1.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="window"/> is null.</exception>
    public float[] Predict(TraceWindow window)
    {
        ArgumentNullException.ThrowIfNull(window);
        return _model.Score(window);
    }
}
