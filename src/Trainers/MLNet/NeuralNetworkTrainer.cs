using System.Globalization;
using System.Text.Json;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Runtime;
using MLGradientInsight.Trainers.Data;
using MLGradientInsight.Trainers.Losses;
using MLGradientInsight.Trainers.Models;
using MLGradientInsight.Trainers.Optimizers;
using MLGradientInsight.Trainers.Training;
using MLGradientInsight.Transforms.Activity;
using MLGradientInsight.Transforms.Store;

namespace MLGradientInsight.Trainers.MLNet;

/// <summary>
/// The ML.NET estimator that trains a neural network on our engine (<c>mlContext.GradientInsight().MulticlassClassification.NeuralNetwork(…)</c>
/// or <c>….Regression.NeuralNetwork(…)</c>) and watches its gradient activity while it trains.
/// </summary>
/// <remarks>
/// In: a known-size vector of Single (<see cref="NeuralNetworkOptions.FeatureColumnName"/>) and a label — a key for
/// multiclass (class index = key − 1), Single for regression. Out (<see cref="NeuralNetworkModel"/>): ML.NET's standard
/// columns, so <c>mlContext.MulticlassClassification.Evaluate</c>, <c>MapKeyToValue</c> and <c>CreatePredictionEngine</c>
/// work unchanged. NaN/∞ features and missing (0) keys are errors naming the row and column, never silently dropped.
/// </remarks>
public sealed class NeuralNetworkTrainer : IEstimator<NeuralNetworkModel>
{
    private readonly MLContext _mlContext;
    private readonly IHost _host;
    private readonly NeuralNetworkOptions _options;
    private readonly bool _multiclass;

    internal NeuralNetworkTrainer(MLContext mlContext, NeuralNetworkOptions options, bool multiclass)
    {
        ArgumentNullException.ThrowIfNull(mlContext);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _mlContext = mlContext;
        _options = options;
        _multiclass = multiclass;
        _host = ((IHostEnvironment)mlContext).Register(multiclass ? "GradientInsight.NeuralNetwork.Multiclass" : "GradientInsight.NeuralNetwork.Regression");
    }

    /// <summary>Gets the settings.</summary>
    public NeuralNetworkOptions Options => _options;

    /// <summary>Trains the network on the rows of <paramref name="input"/>.</summary>
    /// <param name="input">The training data.</param>
    /// <returns>The fitted model, with its activity trace.</returns>
    /// <exception cref="ArgumentException">A column is missing or has the wrong type, a value is NaN/∞ or a label is missing (the message names the column, the row and the fix), or the model does not fit the data.</exception>
    /// <exception cref="InvalidOperationException">Training stopped on a NaN/∞ (the message says where).</exception>
    public NeuralNetworkModel Fit(IDataView input)
    {
        ArgumentNullException.ThrowIfNull(input);
        using IChannel channel = _host.Start("Training");
        ColumnInfo columns = CheckSchema(input.Schema);
        int seed = _options.Seed ?? _host.Rand.Next();
        Dataset train = Read(input, columns, "training");
        Dataset? validation = _options.ValidationData is { } v ? Read(v, CheckSchema(v.Schema, columns), "validation") : null;

        int outputs = _multiclass ? columns.ClassCount : 1;
        Sequential network = _options.Network ?? BuildModel(columns, outputs, seed);
        string description = _options.Network is null ? ModelSpec.Parse(_options.Model).Describe(columns.FeatureLength, outputs) : $"user network '{network.Name}'";
        CheckNetworkFits(network, columns, outputs);

        INeuralNetworkEngine engine = _options.Engine;
        channel.Info(MessageSensitivity.None, string.Create(CultureInfo.InvariantCulture, $"NeuralNetwork: {description}, {network.ParameterCount} parameters, {train.Count} rows, {_options.Optimizer} lr {_options.LearningRate}, {_options.Epochs} epochs, batch {_options.BatchSize}, seed {seed}, engine {engine.Name}."));
        var memory = new InMemoryActivitySink();
        RunWriter? writer = null;
        TrainingResult result;
        try
        {
            if (_options.TrackActivity && _options.RunStorePath is { } storePath)
            {
                string config = JsonSerializer.Serialize(new Dictionary<string, string>
                {
                    ["source"] = "ML.NET NeuralNetwork",
                    ["engine"] = engine.Name,
                    ["model"] = description,
                    ["optimizer"] = _options.Optimizer,
                    ["learning_rate"] = _options.LearningRate.ToString(CultureInfo.InvariantCulture),
                    ["epochs"] = _options.Epochs.ToString(CultureInfo.InvariantCulture),
                    ["batch"] = _options.BatchSize.ToString(CultureInfo.InvariantCulture),
                    ["seed"] = seed.ToString(CultureInfo.InvariantCulture),
                });
                writer = RunStore.Open(storePath).StartRun(_options.RunName ?? description, config, network.Summary(train.SampleShape));
                channel.Info(MessageSensitivity.None, $"NeuralNetwork: recording run {writer.RunId} to {Path.GetFullPath(storePath)}.");
            }

            result = engine.Train(new NeuralNetworkTrainingJob
            {
                Network = network,
                Train = train,
                Validation = validation,
                Multiclass = _multiclass,
                Options = _options,
                Seed = seed,
                ActivitySink = !_options.TrackActivity ? null : writer is null ? memory : new TeeSink(memory, writer),
                ActivityOptions = (_options.Activity ?? new GradientActivityOptions()) with { RunId = writer?.RunId ?? _options.Activity?.RunId ?? "" },
                Steps = writer,
                Progress = _options.Progress is { } progress ? progress.Report : null,
                EpochCompleted = e => channel.Info(MessageSensitivity.None, string.Create(CultureInfo.InvariantCulture,
                    $"NeuralNetwork: epoch {e.Epoch}/{_options.Epochs} train loss {e.TrainLoss:G4}{(_multiclass ? $" accuracy {e.TrainAccuracy:P1}" : "")}{(validation is null ? "" : $", validation loss {e.ValidationLoss:G4}")}")),
            });

            if (result.Status == TrainingStatus.NonFinite)
            {
                writer?.Fail($"non-finite value: {result.NonFinite}");
                throw new InvalidOperationException(
                    $"Training stopped: {result.NonFinite}. Lower the learning rate (now {_options.LearningRate}), scale the features, or use another optimizer.");
            }

            writer?.Complete();
        }
        finally
        {
            writer?.Dispose();
        }

        network.SetTraining(false);
        return new NeuralNetworkModel(
            _mlContext, network, columns.SampleShape, _multiclass, columns.Names, result, memory.Records, writer?.RunId, _options.RunStorePath, _options.FeatureColumnName, description, fromSpec: _options.Network is null)
        {
            Activation = _options.Activation,
        };
    }

    /// <summary>Gets the output schema: the input columns plus <c>Score</c> (and <c>PredictedLabel</c> for multiclass).</summary>
    /// <param name="inputSchema">The input schema shape.</param>
    /// <returns>The output schema shape.</returns>
    /// <exception cref="ArgumentException">The features or label column is missing or has the wrong type.</exception>
    public SchemaShape GetOutputSchema(SchemaShape inputSchema)
    {
        ArgumentNullException.ThrowIfNull(inputSchema);
        SchemaShape.Column? features = inputSchema.FirstOrDefault(c => c.Name == _options.FeatureColumnName);
        SchemaShape.Column? label = inputSchema.FirstOrDefault(c => c.Name == _options.LabelColumnName);
        if (features is not { Name: not null } f || f.Kind == SchemaShape.Column.VectorKind.Scalar || f.ItemType != NumberDataViewType.Single)
        {
            throw ColumnError(_options.FeatureColumnName, features is { Name: not null } ? features.Value.ItemType.ToString() : null, "a vector of Single",
                "Build it with mlContext.Transforms.Concatenate(\"Features\", …) or set FeatureColumnName.");
        }

        if (label is not { Name: not null } l || (_multiclass ? !l.IsKey : l.IsKey || l.Kind != SchemaShape.Column.VectorKind.Scalar || l.ItemType != NumberDataViewType.Single))
        {
            throw ColumnError(_options.LabelColumnName, label is { Name: not null } ? label.Value.ItemType.ToString() : null, _multiclass ? "a key" : "Single",
                _multiclass ? "Convert the label with mlContext.Transforms.Conversion.MapValueToKey(\"Label\")." : "Convert the label to Single (float).");
        }

        bool hasNames = _multiclass && l.Annotations.Any(a => a.Name == NeuralNetworkModel.KeyValuesKind);
        return NeuralNetworkModel.MakeScorer(_mlContext, _multiclass, 2, hasNames ? ["a", "b"] : null, hasNames ? ["a", "b"] : null, _options.FeatureColumnName, (_, _) => { })
            .GetOutputSchema(inputSchema);
    }

    private Sequential BuildModel(ColumnInfo columns, int outputs, int seed)
    {
        try
        {
            return ModelSpec.Parse(_options.Model).Create(columns.SampleShape, outputs, _multiclass, seed, _options.Activation);
        }
        catch (ArgumentException e)
        {
            throw new ArgumentException(
                $"{e.Message.Split(" (Parameter")[0]} (column '{_options.FeatureColumnName}' has {columns.FeatureLength} values{(_options.ImageShape is null ? "" : $" viewed as [{string.Join(", ", columns.SampleShape)}]")}; {(_multiclass ? $"label '{_options.LabelColumnName}' has {outputs} classes" : "one regression target")}.)",
                nameof(NeuralNetworkOptions.Model), e);
        }
    }

    private void CheckNetworkFits(Sequential network, ColumnInfo columns, int outputs)
    {
        int[] shape;
        try
        {
            shape = network.OutputShape([1, .. columns.SampleShape]);
        }
        catch (ArgumentException e)
        {
            throw new ArgumentException($"The network '{network.Name}' does not accept samples of shape [{string.Join(", ", columns.SampleShape)}] from column '{_options.FeatureColumnName}': {e.Message}", nameof(NeuralNetworkOptions.Network), e);
        }

        if (shape.Length != 2 || shape[1] != outputs)
        {
            throw new ArgumentException(
                $"The network '{network.Name}' produces outputs of shape {Tensor.FormatShape(shape)} per batch but needs (N, {outputs}) ({(_multiclass ? $"one per class of '{_options.LabelColumnName}'" : "one regression value")}).",
                nameof(NeuralNetworkOptions.Network));
        }
    }

    private ColumnInfo CheckSchema(DataViewSchema schema, ColumnInfo? training = null)
    {
        string which = training is null ? "training" : "validation";
        DataViewSchema.Column features = schema.GetColumnOrNull(_options.FeatureColumnName)
            ?? throw ColumnError(_options.FeatureColumnName, null, "a known-size vector of Single", $"The {which} data has columns {string.Join(", ", schema.Select(c => c.Name))}; build the features with mlContext.Transforms.Concatenate(\"{_options.FeatureColumnName}\", …).");
        if (features.Type is not VectorDataViewType { ItemType: NumberDataViewType f } vector || f != NumberDataViewType.Single || !vector.IsKnownSize)
        {
            throw ColumnError(features.Name, features.Type.ToString(), "a known-size vector of Single", "Concatenate Single columns into it, or convert with mlContext.Transforms.Conversion.ConvertType.");
        }

        int length = vector.Size;
        int[] sampleShape = _options.ImageShape is { } image ? [.. image] : [length];
        if (sampleShape.Aggregate(1, (a, b) => a * b) != length)
        {
            throw new ArgumentException($"ImageShape [{string.Join(", ", sampleShape)}] holds {sampleShape.Aggregate(1, (a, b) => a * b)} values but column '{features.Name}' has {length}. Make their sizes agree.", nameof(NeuralNetworkOptions.ImageShape));
        }

        DataViewSchema.Column label = schema.GetColumnOrNull(_options.LabelColumnName)
            ?? throw ColumnError(_options.LabelColumnName, null, _multiclass ? "a key" : "Single", $"The {which} data has columns {string.Join(", ", schema.Select(c => c.Name))}; set LabelColumnName.");
        int classes = 0;
        string[]? names = null;
        if (_multiclass)
        {
            if (label.Type is not KeyDataViewType key || key.RawType != typeof(uint))
            {
                throw ColumnError(label.Name, label.Type.ToString(), "a key of UInt32", $"Convert it with mlContext.Transforms.Conversion.MapValueToKey(\"{label.Name}\").");
            }

            if (key.Count < 2 || key.Count > int.MaxValue)
            {
                throw ColumnError(label.Name, label.Type.ToString(), "a key with 2 or more values", "A classifier needs at least two classes in the label.");
            }

            classes = (int)key.Count;
            names = NeuralNetworkModel.KeyNames(label, classes);
        }
        else if (label.Type != NumberDataViewType.Single)
        {
            throw ColumnError(label.Name, label.Type.ToString(), "Single", $"Convert it with mlContext.Transforms.Conversion.ConvertType(\"{label.Name}\", outputKind: DataKind.Single).");
        }

        if (training is not null && (training.FeatureLength != length || training.ClassCount != classes))
        {
            throw new ArgumentException(
                $"The validation data has {length} features and {classes} classes but the training data has {training.FeatureLength} and {training.ClassCount}. Prepare both with the same pipeline (fit the key mapping on the training data).",
                nameof(NeuralNetworkOptions.ValidationData));
        }

        return new ColumnInfo(features, label, length, sampleShape, classes, names);
    }

    private Dataset Read(IDataView data, ColumnInfo columns, string which)
    {
        var features = new List<float>();
        var targets = new List<float>();
        using DataViewRowCursor cursor = data.GetRowCursor([columns.Features, columns.Label]);
        ValueGetter<VBuffer<float>> getFeatures = cursor.GetGetter<VBuffer<float>>(columns.Features);
        ValueGetter<uint>? getKey = _multiclass ? cursor.GetGetter<uint>(columns.Label) : null;
        ValueGetter<float>? getValue = _multiclass ? null : cursor.GetGetter<float>(columns.Label);
        VBuffer<float> buffer = default;
        long row = 0;
        while (cursor.MoveNext())
        {
            getFeatures(ref buffer);
            int start = features.Count;
            foreach (float x in buffer.DenseValues())
            {
                features.Add(x);
            }

            for (int i = start; i < features.Count; i++)
            {
                if (!float.IsFinite(features[i]))
                {
                    throw new ArgumentException(
                        $"Row {row} of the {which} data has {features[i]} at slot {i - start} of column '{columns.Features.Name}'. Replace missing values first (mlContext.Transforms.ReplaceMissingValues) or filter the rows (mlContext.Data.FilterRowsByMissingValues).",
                        nameof(data));
                }
            }

            if (getKey is not null)
            {
                uint key = 0;
                getKey(ref key);
                if (key == 0)
                {
                    throw new ArgumentException(
                        $"Row {row} of the {which} data has a missing label (key 0) in column '{columns.Label.Name}': its value was not among the values the key mapping was fitted on. Fit MapValueToKey on data that has every class, or filter the row.",
                        nameof(data));
                }

                targets.Add(key - 1);                      // keys are 1-based; class indices 0-based
            }
            else
            {
                float value = 0;
                getValue!(ref value);
                if (!float.IsFinite(value))
                {
                    throw new ArgumentException($"Row {row} of the {which} data has label {value} in column '{columns.Label.Name}'. Filter rows with missing labels first (mlContext.Data.FilterRowsByMissingValues).", nameof(data));
                }

                targets.Add(value);
            }

            row++;
        }

        if (row == 0)
        {
            throw new ArgumentException($"The {which} data has no rows.", nameof(data));
        }

        var featureTensor = new Tensor([.. features], [(int)row, .. columns.SampleShape]);
        var y = _multiclass ? new Tensor([.. targets], (int)row) : new Tensor([.. targets], (int)row, 1);
        return new Dataset(which, featureTensor, y, columns.ClassCount);
    }

    private static ArgumentException ColumnError(string column, string? actual, string expected, string fix) =>
        new(actual is null
            ? $"Column '{column}' was not found; the NeuralNetwork trainer needs it as {expected}. {fix}"
            : $"Column '{column}' is {actual}; the NeuralNetwork trainer needs {expected}. {fix}", "input");

    private sealed record ColumnInfo(DataViewSchema.Column Features, DataViewSchema.Column Label, int FeatureLength, int[] SampleShape, int ClassCount, string[]? Names);

    /// <summary>Writes every step to two sinks (memory for the fitted model, the run store).</summary>
    private sealed class TeeSink(IActivitySink first, IActivitySink second) : IActivitySink
    {
        public void Write(ReadOnlySpan<ActivityRecord> records, ReadOnlySpan<UnitActivityRecord> units)
        {
            first.Write(records, units);
            second.Write(records, units);
        }
    }
}
