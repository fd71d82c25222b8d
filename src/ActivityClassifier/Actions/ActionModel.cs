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
    private static readonly Lazy<ActionModel> s_default = new(() => new ActionModel(ScoringModel<ActionRow>.FromResource(ResourceName)));
    private readonly ScoringModel<ActionRow> _model;

    private ActionModel(ScoringModel<ActionRow> model) => _model = model;

    /// <summary>Gets the ML.NET model (input: a <c>Features</c> vector of <see cref="ActionFeatureVector.Length"/> floats).</summary>
    public ITransformer Model => _model.Model;

    /// <summary>Loads the model shipped inside this assembly.</summary>
    /// <returns>The shared instance.</returns>
    /// <exception cref="InvalidOperationException">The assembly was built without the model resource.</exception>
    public static ActionModel LoadDefault() => s_default.Value;

    /// <summary>Loads a model zip written by <see cref="Save"/>.</summary>
    /// <param name="stream">The zip.</param>
    /// <returns>The model.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="stream"/> is null.</exception>
    public static ActionModel Load(Stream stream) => new(ScoringModel<ActionRow>.FromStream(stream));

    /// <summary>Saves the model as an ML.NET zip.</summary>
    /// <param name="stream">The destination.</param>
    /// <exception cref="ArgumentNullException"><paramref name="stream"/> is null.</exception>
    public void Save(Stream stream) => _model.Save(stream);

    internal static ActionModel Train(IEnumerable<ActionRow> rows, ModelAlgorithm algorithm, int seed) =>
        new(ScoringModel<ActionRow>.Fit(rows, ml => MulticlassPipeline.Tail(ml, ActionNames.All, algorithm, seed), seed));

    /// <summary>
    /// Gets the number of inputs the model was trained on: <see cref="ActionFeatureVector.Length"/>, or fewer for a model
    /// saved before later features were appended (one trained before the norm features reads the first 80, which are
    /// the same numbers it was trained on).
    /// </summary>
    public int InputLength => _model.InputSize(nameof(ActionRow.Features));

    /// <summary>The class probabilities of one feature vector, in <see cref="TrainingAction"/> order.</summary>
    internal float[] Scores(float[] features) => _model.Score(new ActionRow { Features = features.Length > InputLength ? features[..InputLength] : features });

    internal IReadOnlyList<RankedAction> Rank(RunSnapshot snapshot)
    {
        float[] scores = Scores(snapshot.ActionFeatures);

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
