using Microsoft.ML;
using Microsoft.ML.Data;

namespace MLGradientInsight.ActivityClassifier.Training;

/// <summary>A fitted ML.NET multiclass model with its context and a serialised prediction engine (shared by the shape and action models).</summary>
/// <typeparam name="TInput">The input row type.</typeparam>
internal sealed class ScoringModel<TInput>
    where TInput : class, new()
{
    private readonly MLContext _ml;
    private readonly PredictionEngine<TInput, MulticlassPrediction> _engine;
    private readonly object _gate = new();

    public ScoringModel(ITransformer model, MLContext ml, DataViewSchema? inputSchema = null)
    {
        Model = model;
        _ml = ml;
        SchemaDefinition definition = SchemaDefinition.Create(typeof(TInput), SchemaDefinition.Direction.Read);
        foreach (SchemaDefinition.Column column in definition)
        {
            // A model saved with a shorter fixed-size input vector (an earlier feature vector whose later features were
            // appended since) is scored with that size; its callers pass the vector's first InputSize(name) values.
            if (inputSchema?.GetColumnOrNull(column.ColumnName) is { Type: VectorDataViewType { Size: > 0 } saved })
            {
                column.ColumnType = saved;
            }
        }

        _inputSchema = definition;
        _engine = ml.Model.CreatePredictionEngine<TInput, MulticlassPrediction>(model, inputSchemaDefinition: definition);
    }

    private readonly SchemaDefinition _inputSchema;

    public ITransformer Model { get; }

    public static ScoringModel<TInput> FromResource(string resourceName)
    {
        ITransformer model = ModelResources.Load(resourceName, out MLContext ml, out DataViewSchema schema);
        return new(model, ml, schema);
    }

    public static ScoringModel<TInput> FromStream(Stream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ITransformer model = ModelResources.Load(stream, out MLContext ml, out DataViewSchema schema);
        return new(model, ml, schema);
    }

    /// <summary>The length of the fixed-size input vector <paramref name="column"/> this model was saved with (0 for a variable-size one).</summary>
    public int InputSize(string column) => _inputSchema.First(c => c.ColumnName == column).ColumnType is VectorDataViewType v ? v.Size : 0;

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
