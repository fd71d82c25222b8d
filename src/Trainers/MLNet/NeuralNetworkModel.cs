using System.Numerics.Tensors;
using Microsoft.ML;
using Microsoft.ML.Data;
using System.Globalization;
using System.Text.Json;
using MLGradientInsight.Trainers.Checkpoints;
using MLGradientInsight.Trainers.Onnx;
using MLGradientInsight.Trainers.Training;
using MLGradientInsight.Transforms.Activity;
using MLGradientInsight.Transforms.DataView;

namespace MLGradientInsight.Trainers.MLNet;

/// <summary>
/// A neural network trained by <see cref="NeuralNetworkTrainer"/>: an ML.NET <see cref="ITransformer"/> that adds
/// ML.NET's standard prediction columns, plus the run's result and gradient-activity trace.
/// </summary>
/// <remarks>
/// <para>Multiclass: <c>Score</c>, a vector of Single with one probability (softmax of the network's outputs) per class,
/// with the label's key values as slot names, and <c>PredictedLabel</c>, a key with the label's key values (argmax + 1,
/// since keys are 1-based). Regression: <c>Score</c>, a Single.</para>
/// <para>Scoring runs the network in evaluation mode one row at a time; rows from several cursors are scored one after
/// another (the network's buffers are shared), so parallel cursors are correct but not faster.</para>
/// <para>Saving: <c>mlContext.Model.Save</c> cannot store a trained network inside an ML.NET zip (ML.NET's loadable
/// components are internal to it). Save the network with <see cref="Checkpoints.Checkpoint"/> (safetensors) and the model spec, or
/// export it to ONNX and use <c>ApplyOnnxModel</c>, which ML.NET does save.</para>
/// </remarks>
public sealed class NeuralNetworkModel : ITransformer
{
    /// <summary>ML.NET's annotation kind for the values of a key column.</summary>
    internal const string KeyValuesKind = "KeyValues";

    /// <summary>ML.NET's annotation kind for the names of a vector's slots.</summary>
    internal const string SlotNamesKind = "SlotNames";

    private readonly ITransformer _scorer;
    private readonly object _gate = new();
    private readonly Tensor _input;
    private readonly int _featureLength;
    private readonly IReadOnlyList<ActivityRecord> _activity;
    private readonly string _featureColumnName;
    private readonly bool _fromSpec;

    private const string MetadataSpec = "mlgi.model";
    private const string MetadataShape = "mlgi.sample_shape";
    private const string MetadataTask = "mlgi.task";
    private const string MetadataClasses = "mlgi.classes";
    private const string MetadataOutputs = "mlgi.outputs";
    private const string MetadataFeatures = "mlgi.features";
    private const string MetadataActivation = "mlgi.activation";

    internal NeuralNetworkModel(
        MLContext mlContext, Sequential network, int[] sampleShape, bool multiclass, string[]? classNames, TrainingResult training,
        IReadOnlyList<ActivityRecord> activity, string? runId, string? storePath, string featureColumnName, string description, bool fromSpec)
    {
        _featureColumnName = featureColumnName;
        _fromSpec = fromSpec;
        Network = network;
        IsMulticlass = multiclass;
        ClassNames = classNames;
        Training = training;
        _activity = activity;
        RunId = runId;
        RunStorePath = storePath;
        Description = description;
        SampleShape = sampleShape;
        _featureLength = sampleShape.Aggregate(1, (a, b) => a * b);
        _input = new Tensor([1, .. sampleShape]);
        ClassCount = multiclass ? network.OutputShape([1, .. sampleShape])[1] : 0;
        Action<NetworkInputRow, object> map = multiclass ? (i, o) => ScoreMulticlass(i, (MulticlassOutputRow)o) : (i, o) => ScoreRegression(i, (RegressionOutputRow)o);
        _scorer = MakeScorer(mlContext, multiclass, ClassCount, classNames, classNames, featureColumnName, map)
            .Fit(mlContext.Data.LoadFromEnumerable(Array.Empty<NetworkInputRow>(), FeatureDefinition(featureColumnName, _featureLength)));
    }

    /// <summary>Gets the trained network (in evaluation mode).</summary>
    public Sequential Network { get; }

    /// <summary>Gets the hidden activation of an mlp built from a spec.</summary>
    public Models.Activation Activation { get; init; } = Models.Activation.ReLU;

    /// <summary>Gets a description of the model (<c>mlp:784,64,64,10</c>).</summary>
    public string Description { get; }

    /// <summary>Gets the shape one feature vector is viewed as.</summary>
    public IReadOnlyList<int> SampleShape { get; }

    /// <summary>Gets whether this is a multiclass model (else regression).</summary>
    public bool IsMulticlass { get; }

    /// <summary>Gets the number of classes (0 for regression).</summary>
    public int ClassCount { get; }

    /// <summary>Gets the class names (the label's key values as text, in key order), or null when the label had none.</summary>
    public IReadOnlyList<string>? ClassNames { get; }

    /// <summary>Gets how training ended and the per-epoch metrics.</summary>
    public TrainingResult Training { get; }

    /// <summary>Gets the gradient-activity trace of the run (network row, then one row per layer, per step after warm-up); empty without tracking.</summary>
    public IReadOnlyList<ActivityRecord> Activity => _activity;

    /// <summary>Gets the run's activity trace as an ML.NET <see cref="IDataView"/> (long form; <c>.ToWide()</c> for one row per step).</summary>
    /// <returns>The view.</returns>
    public ActivityDataView GetActivity() => ActivityDataView.FromRecords(_activity);

    /// <summary>Exports the network to ONNX (flat input named <c>input</c>, output <c>output</c>: class probabilities or the regression value).</summary>
    /// <param name="path">The .onnx file.</param>
    /// <exception cref="NotSupportedException">The network has a layer ONNX export does not cover.</exception>
    public void ExportOnnx(string path) => OnnxExporter.Export(Network, SampleShape, path, appendSoftmax: IsMulticlass);

    /// <summary>
    /// Saves the network as safetensors with everything needed to rebuild this model in another process
    /// (<see cref="GradientInsightCatalog.LoadModel"/>): the model spec, the sample shape, the task, the class names and the
    /// features column, in the file's metadata.
    /// </summary>
    /// <param name="path">The .safetensors file (written atomically).</param>
    /// <exception cref="InvalidOperationException">The network was built by the user, not from a spec: save it with <c>Checkpoint.Save</c> and rebuild it with your own code.</exception>
    public void Save(string path)
    {
        if (!_fromSpec)
        {
            throw new InvalidOperationException(
                $"This model's network ('{Network.Name}') was built by your code, so a file cannot say how to rebuild it. Save its weights with Checkpoint.Save(model.Network, path) and load them into the same construction with Checkpoint.Load.");
        }

        Checkpoint.Save(Network, path, new Dictionary<string, string>
        {
            [MetadataSpec] = Description,
            [MetadataShape] = string.Join(",", SampleShape.Select(d => d.ToString(CultureInfo.InvariantCulture))),
            [MetadataTask] = IsMulticlass ? "multiclass" : "regression",
            [MetadataClasses] = JsonSerializer.Serialize(ClassNames),
            [MetadataOutputs] = (IsMulticlass ? ClassCount : 1).ToString(CultureInfo.InvariantCulture),
            [MetadataFeatures] = _featureColumnName,
            [MetadataActivation] = Activation.ToString(),
        });
    }

    /// <summary>Gets the run id in the run store, or null when the run was not recorded.</summary>
    public string? RunId { get; }

    /// <summary>Gets the run store file, or null.</summary>
    public string? RunStorePath { get; }

    /// <inheritdoc/>
    bool ITransformer.IsRowToRowMapper => true;

    /// <summary>Scores one feature vector.</summary>
    /// <param name="features">The features (<c>SampleShape</c> values).</param>
    /// <param name="destination">Class probabilities (multiclass, <see cref="ClassCount"/> values) or the predicted value (regression, 1 value).</param>
    /// <exception cref="ArgumentException">A length is wrong.</exception>
    public void Predict(ReadOnlySpan<float> features, Span<float> destination)
    {
        if (features.Length != _featureLength)
        {
            throw new ArgumentException($"The model takes {_featureLength} features but got {features.Length}.", nameof(features));
        }

        int outputs = IsMulticlass ? ClassCount : 1;
        if (destination.Length != outputs)
        {
            throw new ArgumentException($"The destination needs {outputs} values but has {destination.Length}.", nameof(destination));
        }

        lock (_gate)
        {
            features.CopyTo(_input.Span);
            Tensor output = Network.Forward(_input);
            if (IsMulticlass)
            {
                TensorPrimitives.SoftMax(output.Span, destination);
            }
            else
            {
                destination[0] = output.Span[0];
            }
        }
    }

    /// <inheritdoc/>
    public DataViewSchema GetOutputSchema(DataViewSchema inputSchema) => _scorer.GetOutputSchema(inputSchema);

    /// <inheritdoc/>
    public IDataView Transform(IDataView input) => _scorer.Transform(input);

    /// <inheritdoc/>
    IRowToRowMapper ITransformer.GetRowToRowMapper(DataViewSchema inputSchema) => _scorer.GetRowToRowMapper(inputSchema);

    /// <summary>Always throws: a trained network cannot be stored inside an ML.NET zip; the message names the two routes that work.</summary>
    /// <param name="ctx">Unused.</param>
    /// <exception cref="NotSupportedException">Always.</exception>
    void ICanSaveModel.Save(ModelSaveContext ctx) => throw new NotSupportedException(
        "A GradientInsight NeuralNetwork model cannot be saved with mlContext.Model.Save: ML.NET only loads its own components " +
        "from a zip. Use one of the two routes that work: (1) model.Save(\"model.safetensors\"), later " +
        $"mlContext.GradientInsight().LoadModel(\"model.safetensors\") (safetensors weights + the model spec '{Description}'); or " +
        "(2) model.ExportOnnx(\"model.onnx\") and mlContext.Transforms.ApplyOnnxModel(…), which mlContext.Model.Save stores in the zip.");

    /// <summary>Rebuilds a model saved by <see cref="Save"/>.</summary>
    internal static NeuralNetworkModel Load(MLContext mlContext, string path)
    {
        IReadOnlyDictionary<string, string> metadata = SafeTensors.Load(path).Metadata;
        string Get(string key) => metadata.TryGetValue(key, out string? value)
            ? value
            : throw new InvalidDataException($"'{path}' has no '{key}' metadata: it was not saved by NeuralNetworkModel.Save. Load plain checkpoints with Checkpoint.Load into a model you build.");
        int[] shape = [.. Get(MetadataShape).Split(',').Select(d => int.Parse(d, CultureInfo.InvariantCulture))];
        bool multiclass = Get(MetadataTask) == "multiclass";
        int outputs = int.Parse(Get(MetadataOutputs), CultureInfo.InvariantCulture);
        string[]? classes = JsonSerializer.Deserialize<string[]?>(Get(MetadataClasses));
        string spec = Get(MetadataSpec);
        Sequential network = Models.ModelSpec.Parse(spec).Create(shape, outputs, multiclass, seed: 0, ActivationOf(metadata));
        Checkpoint.Load(network, path);
        network.SetTraining(false);
        return new NeuralNetworkModel(mlContext, network, shape, multiclass, classes, new TrainingResult(TrainingStatus.Completed, [], 0, null), [], null, null, Get(MetadataFeatures), spec, fromSpec: true)
        {
            Activation = ActivationOf(metadata),
        };
    }

    private static Models.Activation ActivationOf(IReadOnlyDictionary<string, string> metadata) =>
        metadata.TryGetValue(MetadataActivation, out string? a) && Enum.TryParse(a, out Models.Activation activation) ? activation : Models.Activation.ReLU;

    /// <summary>Builds the ML.NET custom mapping that scores rows.</summary>
    internal static IEstimator<ITransformer> MakeScorer(
        MLContext mlContext, bool multiclass, int classes, string[]? slotNames, string[]? keyValues, string featureColumnName, Action<NetworkInputRow, object> map)
    {
        SchemaDefinition input = SchemaDefinition.Create(typeof(NetworkInputRow));
        input[0].ColumnName = featureColumnName;
        if (!multiclass)
        {
            return mlContext.Transforms.CustomMapping<NetworkInputRow, RegressionOutputRow>((i, o) => map(i, o), contractName: null, input);
        }

        SchemaDefinition output = SchemaDefinition.Create(typeof(MulticlassOutputRow));
        SchemaDefinition.Column score = output[nameof(MulticlassOutputRow.Score)];
        score.ColumnType = new VectorDataViewType(NumberDataViewType.Single, classes);
        SchemaDefinition.Column predicted = output[nameof(MulticlassOutputRow.PredictedLabel)];
        predicted.ColumnType = new KeyDataViewType(typeof(uint), classes);
        if (slotNames is not null)
        {
            var names = new VBuffer<ReadOnlyMemory<char>>(classes, [.. slotNames.Select(n => n.AsMemory())]);
            score.AddAnnotation(SlotNamesKind, names, new VectorDataViewType(TextDataViewType.Instance, classes));
        }

        if (keyValues is not null)
        {
            var values = new VBuffer<ReadOnlyMemory<char>>(classes, [.. keyValues.Select(n => n.AsMemory())]);
            predicted.AddAnnotation(KeyValuesKind, values, new VectorDataViewType(TextDataViewType.Instance, classes));
        }

        return mlContext.Transforms.CustomMapping<NetworkInputRow, MulticlassOutputRow>((i, o) => map(i, o), contractName: null, input, output);
    }

    /// <summary>Gets the key values of a key column as text, or null when it has none.</summary>
    internal static string[]? KeyNames(DataViewSchema.Column label, int count)
    {
        if (label.Annotations.Schema.GetColumnOrNull(KeyValuesKind) is not { Type: VectorDataViewType type })
        {
            return null;
        }

        return (string[]?)typeof(NeuralNetworkModel)
            .GetMethod(nameof(KeyNamesOf), System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Static)!
            .MakeGenericMethod(type.ItemType.RawType)
            .Invoke(null, [label, count]);
    }

    private static string[]? KeyNamesOf<T>(DataViewSchema.Column label, int count)
    {
        VBuffer<T> values = default;
        label.Annotations.GetValue(KeyValuesKind, ref values);
        if (values.Length != count)
        {
            return null;
        }

        return [.. values.DenseValues().Select(v => v?.ToString() ?? "")];
    }

    private static SchemaDefinition FeatureDefinition(string featureColumnName, int length)
    {
        SchemaDefinition definition = SchemaDefinition.Create(typeof(NetworkInputRow));
        definition[0].ColumnName = featureColumnName;
        definition[0].ColumnType = new VectorDataViewType(NumberDataViewType.Single, length);
        return definition;
    }

    private void ScoreMulticlass(NetworkInputRow input, MulticlassOutputRow output)
    {
        if (output.Score.Length != ClassCount)
        {
            output.Score = new float[ClassCount];
        }

        Predict(input.Features, output.Score);
        // The 0-based class index: ML.NET's custom mapping turns a uint field of a key column into key index + 1
        // (measured: writing argmax + 1 here gave keys one class off and 0 for the last class).
        output.PredictedLabel = (uint)TensorPrimitives.IndexOfMax(output.Score);
    }

    private void ScoreRegression(NetworkInputRow input, RegressionOutputRow output)
    {
        Span<float> value = stackalloc float[1];
        Predict(input.Features, value);
        output.Score = value[0];
    }
}
