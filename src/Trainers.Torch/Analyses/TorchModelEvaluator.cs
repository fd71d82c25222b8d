using System.Runtime.InteropServices;
using MLGradientInsight.Analyses.Evaluation;
using MLGradientInsight.Trainers.Data;
using MLGradientInsight.Trainers.Torch.Training;
using MLGradientInsight.Trainers.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace MLGradientInsight.Trainers.Torch.Analyses;

// Inside the namespace: MLGradientInsight.Trainers has its own Tensor.
using Tensor = TorchSharp.torch.Tensor;

/// <summary>
/// The <see cref="IModelEvaluator"/> of the TorchSharp engine: a libtorch module and a fixed evaluation set, so the
/// analyses (linear path, layer robustness, trajectory) run on TorchSharp models exactly as on managed ones.
/// </summary>
/// <remarks>
/// <para>The state tensors are the module's float parameters, then its float buffers (BatchNorm's <c>running_mean</c>
/// and <c>running_var</c>; the integer <c>num_batches_tracked</c> is not a state tensor), named as in its
/// <c>state_dict</c>. The loss is cross-entropy on logits for class targets and mean squared error for regression
/// targets, as <see cref="TorchTrainer.Evaluate"/>.</para>
/// <para>The evaluation set is copied to libtorch once; dispose the evaluator to free it.</para>
/// </remarks>
public sealed class TorchModelEvaluator : IModelEvaluator, IDisposable
{
    private readonly nn.Module<Tensor, Tensor> _model;
    private readonly DatasetTensors _data;
    private readonly int _count;
    private readonly int _batchSize;
    private readonly Dictionary<string, (Tensor Tensor, nn.Module? Layer, StateTensorInfo Info)> _byName = new(StringComparer.Ordinal);

    /// <summary>Creates the evaluator.</summary>
    /// <param name="model">The module; the analyses overwrite its state tensors (and put θ1 back when they finish).</param>
    /// <param name="evaluationData">The fixed evaluation set (see <see cref="EvaluationSet.Sample"/>), shaped as the module's input.</param>
    /// <param name="batchSize">Samples per forward pass.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="batchSize"/> is not positive.</exception>
    /// <exception cref="TorchLoadException">libtorch could not be loaded.</exception>
    public TorchModelEvaluator(nn.Module<Tensor, Tensor> model, Dataset evaluationData, int batchSize = 500)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(evaluationData);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(batchSize);
        TorchRuntime.EnsureLoaded();
        _model = model;
        _count = evaluationData.Count;
        _batchSize = batchSize;
        Dictionary<string, nn.Module> modules = model.named_modules().ToDictionary(m => m.name, m => m.module, StringComparer.Ordinal);
        var tensors = new List<StateTensorInfo>();
        void Add(string name, Tensor tensor, StateTensorKind kind)
        {
            int dot = name.LastIndexOf('.');
            string layer = dot < 0 ? string.Empty : name[..dot];
            var info = new StateTensorInfo(name, layer, checked((int)tensor.numel()), kind);
            tensors.Add(info);
            _byName[name] = (tensor, modules.GetValueOrDefault(layer), info);
        }

        foreach ((string name, TorchSharp.Modules.Parameter parameter) in model.named_parameters())
        {
            Add(name, parameter, StateTensorKind.Parameter);
        }

        foreach ((string name, Tensor buffer) in model.named_buffers())
        {
            if (buffer.dtype == ScalarType.Float32)
            {
                Add(name, buffer, StateTensorKind.RunningStatistic);
            }
        }

        Tensors = tensors;
        _data = DatasetTensors.Create(evaluationData);
    }

    /// <inheritdoc/>
    public IReadOnlyList<StateTensorInfo> Tensors { get; }

    /// <inheritdoc/>
    public int EvaluationSampleCount => _count;

    /// <summary>Gets the module.</summary>
    public nn.Module<Tensor, Tensor> Model => _model;

    /// <inheritdoc/>
    public void Read(string name, Span<float> destination)
    {
        Tensor t = Find(name).Tensor;
        CheckLength(name, t.numel(), destination.Length, nameof(destination));
        using Tensor values = t.detach().cpu().contiguous();
        MemoryMarshal.Cast<byte, float>(values.bytes).CopyTo(destination);
    }

    /// <inheritdoc/>
    public void Write(string name, ReadOnlySpan<float> values)
    {
        Tensor t = Find(name).Tensor;
        CheckLength(name, t.numel(), values.Length, nameof(values));
        using var noGrad = torch.no_grad();
        using Tensor source = torch.tensor(values.ToArray(), t.shape, ScalarType.Float32);
        t.copy_(source);
    }

    /// <inheritdoc/>
    /// <remarks>
    /// Linear and Conv weights and biases: PyTorch's default U(−1/√fan_in, 1/√fan_in) (what libtorch initialises them
    /// with); BatchNorm: scale 1, shift 0, running mean 0, running variance 1. Drawn by the same code as
    /// <see cref="SequentialModelEvaluator.DrawInitial"/>, so the same <paramref name="random"/> gives the same values
    /// in both engines.
    /// </remarks>
    /// <exception cref="NotSupportedException">The tensor belongs to a module type whose initial distribution is not known here.</exception>
    public void DrawInitial(string name, Span<float> destination, Random random)
    {
        ArgumentNullException.ThrowIfNull(random);
        (Tensor tensor, nn.Module? layer, _) = Find(name);
        CheckLength(name, tensor.numel(), destination.Length, nameof(destination));
        switch (layer)
        {
            case TorchSharp.Modules.Linear or TorchSharp.Modules.Conv1d or TorchSharp.Modules.Conv2d or TorchSharp.Modules.Conv3d:
                Tensor weight = layer.named_parameters().First(p => p.name == "weight").parameter;
                Init.PyTorchDefault(destination, checked((int)(weight.numel() / weight.shape[0])), random);
                break;
            case TorchSharp.Modules.BatchNorm1d or TorchSharp.Modules.BatchNorm2d or TorchSharp.Modules.BatchNorm3d:
                destination.Fill(name.EndsWith(".weight", StringComparison.Ordinal) || name.EndsWith(".running_var", StringComparison.Ordinal) ? 1f : 0f);
                break;
            default:
                throw new NotSupportedException(
                    $"Tensor '{name}' belongs to a {layer?.GetType().Name ?? "unknown"} module, whose initial distribution is not known to the evaluator; re-randomisation supports Linear, Conv and BatchNorm modules.");
        }
    }

    /// <inheritdoc/>
    public ModelEvaluation Evaluate()
    {
        EvaluationResult e = TorchTrainer.EvaluateModule(_model, _data, _count, _batchSize);
        return new ModelEvaluation(e.Loss, _data.Classification ? e.Accuracy : double.NaN, e.Count);
    }

    /// <inheritdoc/>
    public void Dispose() => _data.Dispose();

    private (Tensor Tensor, nn.Module? Layer, StateTensorInfo Info) Find(string name) => _byName.TryGetValue(name, out var entry)
        ? entry
        : throw new KeyNotFoundException($"The model has no state tensor '{name}'. It has: {string.Join(", ", _byName.Keys)}.");

    private static void CheckLength(string name, long expected, int actual, string paramName)
    {
        if (expected != actual)
        {
            throw new ArgumentException($"Tensor '{name}' has {expected} values but the span has {actual}.", paramName);
        }
    }
}
