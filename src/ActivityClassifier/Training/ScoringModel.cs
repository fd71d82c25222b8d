using Microsoft.ML;

namespace MLGradientInsight.ActivityClassifier.Training;

/// <summary>A fitted ML.NET multiclass model with its context and a serialised prediction engine (shared by the shape and action models).</summary>
/// <typeparam name="TInput">The input row type.</typeparam>
internal sealed class ScoringModel<TInput>
    where TInput : class, new()
{
    private readonly MLContext _ml;
    private readonly PredictionEngine<TInput, MulticlassPrediction> _engine;
    private readonly object _gate = new();

    public ScoringModel(ITransformer model, MLContext ml)
    {
        Model = model;
        _ml = ml;
        _engine = ml.Model.CreatePredictionEngine<TInput, MulticlassPrediction>(model);
    }

    public ITransformer Model { get; }

    public static ScoringModel<TInput> FromResource(string resourceName) => new(ModelResources.Load(resourceName, out MLContext ml), ml);

    public static ScoringModel<TInput> FromStream(Stream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        return new(ModelResources.Load(stream, out MLContext ml), ml);
    }

    public static ScoringModel<TInput> Fit(IEnumerable<TInput> rows, Func<MLContext, IEstimator<ITransformer>> pipeline, int seed)
    {
        MLContext ml = ModelResources.CreateContext(seed);
        return new(pipeline(ml).Fit(ml.Data.LoadFromEnumerable(rows)), ml);
    }

    public void Save(Stream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        _ml.Model.Save(Model, _ml.Data.LoadFromEnumerable(Array.Empty<TInput>()).Schema, stream);
    }

    /// <summary>The class probabilities of one row, in the model's class order.</summary>
    public float[] Score(TInput row)
    {
        lock (_gate)
        {
            return [.. _engine.Predict(row).Score];
        }
    }
}
