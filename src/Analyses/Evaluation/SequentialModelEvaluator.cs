using MLGradientInsight.Trainers;
using MLGradientInsight.Trainers.Checkpoints;
using MLGradientInsight.Trainers.Data;
using MLGradientInsight.Trainers.Layers;
using MLGradientInsight.Trainers.Losses;
using MLGradientInsight.Trainers.Training;

namespace MLGradientInsight.Analyses.Evaluation;

/// <summary>The <see cref="IModelEvaluator"/> of the managed engine: a <see cref="Sequential"/> model, a loss and a fixed evaluation set.</summary>
public sealed class SequentialModelEvaluator : IModelEvaluator
{
    private readonly Sequential _model;
    private readonly Loss _loss;
    private readonly Dataset _data;
    private readonly int _batchSize;
    private readonly Dictionary<string, (Tensor Tensor, Module Layer, StateTensorInfo Info)> _byName = new(StringComparer.Ordinal);

    /// <summary>Creates the evaluator.</summary>
    /// <param name="model">The model; the analyses overwrite its state tensors (and put θ1 back when they finish).</param>
    /// <param name="loss">The loss to report (e.g. softmax cross-entropy).</param>
    /// <param name="evaluationData">The fixed evaluation set (see <see cref="EvaluationSet.Sample"/>).</param>
    /// <param name="batchSize">Samples per forward pass.</param>
    /// <exception cref="ArgumentException">The data does not fit the loss (class indices vs regression targets).</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="batchSize"/> is not positive.</exception>
    public SequentialModelEvaluator(Sequential model, Loss loss, Dataset evaluationData, int batchSize = 500)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(loss);
        ArgumentNullException.ThrowIfNull(evaluationData);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(batchSize);
        if (loss.IsClassification != (evaluationData.ClassCount > 0))
        {
            throw new ArgumentException(
                $"Dataset '{evaluationData.Name}' has {(evaluationData.ClassCount > 0 ? "class" : "regression")} targets but the loss {loss.GetType().Name} expects {(loss.IsClassification ? "class indices" : "regression values")}.",
                nameof(evaluationData));
        }

        _model = model;
        _loss = loss;
        _data = evaluationData;
        _batchSize = batchSize;
        var layers = Leaves(model).ToList();
        var tensors = new List<StateTensorInfo>();
        foreach ((string name, Tensor tensor) in Checkpoint.StateTensors(model))
        {
            Parameter? parameter = model.Parameters.FirstOrDefault(p => p.Name == name);
            string layerName = parameter?.LayerName ?? name[..name.LastIndexOf('.')];
            Module layer = layers.First(l => l.Name == layerName);
            var info = new StateTensorInfo(name, layerName, tensor.Length, parameter is null ? StateTensorKind.RunningStatistic : StateTensorKind.Parameter);
            tensors.Add(info);
            _byName[name] = (tensor, layer, info);
        }

        Tensors = tensors;
    }

    /// <inheritdoc/>
    public IReadOnlyList<StateTensorInfo> Tensors { get; }

    /// <inheritdoc/>
    public int EvaluationSampleCount => _data.Count;

    /// <summary>Gets the model.</summary>
    public Sequential Model => _model;

    /// <inheritdoc/>
    public void Read(string name, Span<float> destination)
    {
        Tensor t = Find(name).Tensor;
        CheckLength(name, t.Length, destination.Length, nameof(destination));
        t.Span.CopyTo(destination);
    }

    /// <inheritdoc/>
    public void Write(string name, ReadOnlySpan<float> values)
    {
        Tensor t = Find(name).Tensor;
        CheckLength(name, t.Length, values.Length, nameof(values));
        values.CopyTo(t.Span);
    }

    /// <inheritdoc/>
    /// <remarks>
    /// Linear and Conv2d weights and biases: PyTorch's default U(−1/√fan_in, 1/√fan_in) (what the engine initialises with);
    /// BatchNorm: scale 1, shift 0, running mean 0, running variance 1 (deterministic, so re-randomisation equals re-initialisation there).
    /// </remarks>
    /// <exception cref="NotSupportedException">The tensor belongs to a layer type whose initial distribution is not known here.</exception>
    public void DrawInitial(string name, Span<float> destination, Random random)
    {
        ArgumentNullException.ThrowIfNull(random);
        (Tensor tensor, Module layer, _) = Find(name);
        CheckLength(name, tensor.Length, destination.Length, nameof(destination));
        switch (layer)
        {
            case Linear linear:
                Init.PyTorchDefault(destination, linear.Inputs, random);
                break;
            case Conv2d conv:
                Init.PyTorchDefault(destination, conv.Weight.Length / conv.Weight.Value.Dim(0), random);
                break;
            case BatchNorm:
                destination.Fill(name.EndsWith(".weight", StringComparison.Ordinal) || name.EndsWith(".running_var", StringComparison.Ordinal) ? 1f : 0f);
                break;
            default:
                throw new NotSupportedException(
                    $"Tensor '{name}' belongs to a {layer.GetType().Name} layer, whose initial distribution is not known to the evaluator; re-randomisation supports Linear, Conv2d and BatchNorm layers.");
        }
    }

    /// <inheritdoc/>
    public ModelEvaluation Evaluate()
    {
        EvaluationResult e = Trainer.Evaluate(_model, _loss, _data, _batchSize);
        return new ModelEvaluation(e.Loss, _loss.IsClassification ? e.Accuracy : double.NaN, e.Count);
    }

    private (Tensor Tensor, Module Layer, StateTensorInfo Info) Find(string name) => _byName.TryGetValue(name, out var entry)
        ? entry
        : throw new KeyNotFoundException($"The model has no state tensor '{name}'. It has: {string.Join(", ", _byName.Keys)}.");

    private static void CheckLength(string name, int expected, int actual, string paramName)
    {
        if (expected != actual)
        {
            throw new ArgumentException($"Tensor '{name}' has {expected} values but the span has {actual}.", paramName);
        }
    }

    private static IEnumerable<Module> Leaves(Sequential model) =>
        model.Layers.SelectMany(l => l is Sequential inner ? Leaves(inner) : [l]);
}
