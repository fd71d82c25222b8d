using Microsoft.ML;
using Microsoft.ML.Data;
using MLGradientInsight.ActivityClassifier.Training;

namespace MLGradientInsight.ActivityClassifier.Actions;

/// <summary>
/// The action model: an ML.NET multiclass model from the action feature vector (last window, whole run, shapes,
/// per-layer picture) to the six actions, trained on corpus runs with known faults and their right fix.
/// Thread-safe (prediction is serialised).
/// </summary>
public sealed class ActionModel
{
    internal const string ResourceName = "MLGradientInsight.ActivityClassifier.Models.action-model.zip";
    private static readonly Lazy<ActionModel> s_default = new(() => new ActionModel(ModelResources.Load(ResourceName, out MLContext ml), ml));
    private readonly MLContext _ml;
    private readonly PredictionEngine<ActionRow, MulticlassPrediction> _engine;
    private readonly object _gate = new();

    internal ActionModel(ITransformer model, MLContext ml)
    {
        Model = model;
        _ml = ml;
        _engine = ml.Model.CreatePredictionEngine<ActionRow, MulticlassPrediction>(model);
    }

    /// <summary>Gets the ML.NET model (input: a <c>Features</c> vector of 67 floats).</summary>
    public ITransformer Model { get; }

    /// <summary>Loads the model shipped inside this assembly.</summary>
    /// <returns>The shared instance.</returns>
    /// <exception cref="InvalidOperationException">The assembly was built without the model resource.</exception>
    public static ActionModel LoadDefault() => s_default.Value;

    /// <summary>Loads a model zip written by <see cref="Save"/>.</summary>
    /// <param name="stream">The zip.</param>
    /// <returns>The model.</returns>
    public static ActionModel Load(Stream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        return new ActionModel(ModelResources.Load(stream, out MLContext ml), ml);
    }

    /// <summary>Saves the model as an ML.NET zip.</summary>
    /// <param name="stream">The destination.</param>
    public void Save(Stream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        IDataView empty = _ml.Data.LoadFromEnumerable(Array.Empty<ActionRow>());
        _ml.Model.Save(Model, empty.Schema, stream);
    }

    internal static ActionModel Train(IEnumerable<ActionRow> rows, ModelAlgorithm algorithm, int seed)
    {
        MLContext ml = ModelResources.CreateContext(seed);
        IDataView data = ml.Data.LoadFromEnumerable(rows);
        return new ActionModel(MulticlassPipeline.Tail(ml, ActionNames.All, algorithm, seed).Fit(data), ml);
    }

    internal IReadOnlyList<RankedAction> Rank(RunSnapshot snapshot)
    {
        float[] scores;
        lock (_gate)
        {
            scores = _engine.Predict(new ActionRow { Features = snapshot.ActionFeatures }).Score;
        }

        return [.. scores.Select((p, i) => (Action: (TrainingAction)i, Score: p))
            .OrderByDescending(x => x.Score)
            .Select(x => new RankedAction(ActionNames.Of(x.Action), Math.Round(x.Score, 4), Evidence.For(x.Action, snapshot)))];
    }

    /// <summary>The model's input row.</summary>
    internal sealed class ActionRow
    {
        [VectorType(ActionFeatureVector.Length)]
        public float[] Features { get; set; } = [];

        public string Label { get; set; } = "";
    }
}
