using MLGradientInsight.Trainers;
using MLGradientInsight.Trainers.Checkpoints;

namespace MLGradientInsight.Analyses.Evaluation;

/// <summary>
/// A snapshot of a model's named state tensors (θ), independent of any engine: what a checkpoint holds, or what
/// <see cref="Capture"/> read from an evaluator.
/// </summary>
public sealed class ModelState
{
    private readonly Dictionary<string, float[]> _tensors;

    /// <summary>Creates a state from named values (copied).</summary>
    /// <param name="tensors">The named values.</param>
    /// <param name="metadata">Free-form metadata (a checkpoint's <c>__metadata__</c>), or null.</param>
    public ModelState(IEnumerable<KeyValuePair<string, float[]>> tensors, IReadOnlyDictionary<string, string>? metadata = null)
    {
        ArgumentNullException.ThrowIfNull(tensors);
        _tensors = new Dictionary<string, float[]>(StringComparer.Ordinal);
        foreach (KeyValuePair<string, float[]> kv in tensors)
        {
            _tensors[kv.Key] = (float[])kv.Value.Clone();
        }

        Metadata = metadata ?? new Dictionary<string, string>();
    }

    /// <summary>Gets the tensor names.</summary>
    public IEnumerable<string> Names => _tensors.Keys;

    /// <summary>Gets the metadata (empty when there is none).</summary>
    public IReadOnlyDictionary<string, string> Metadata { get; }

    /// <summary>Gets the values of one tensor.</summary>
    /// <param name="name">The tensor name.</param>
    /// <returns>The values (do not modify).</returns>
    /// <exception cref="KeyNotFoundException">There is no such tensor; the message lists the ones there are.</exception>
    public ReadOnlySpan<float> this[string name] => _tensors.TryGetValue(name, out float[]? v)
        ? v
        : throw new KeyNotFoundException($"The state has no tensor '{name}'. It has: {string.Join(", ", _tensors.Keys)}.");

    /// <summary>Loads a safetensors checkpoint (any dtype the reader supports, converted to float32).</summary>
    /// <param name="path">The file.</param>
    /// <returns>The state with the file's metadata.</returns>
    /// <exception cref="CheckpointException">The file is missing or invalid; the message names the file and the problem.</exception>
    public static ModelState Load(string path)
    {
        SafeTensorsFile file = SafeTensors.Load(path);
        return new ModelState(file.Tensors.Select(kv => new KeyValuePair<string, float[]>(kv.Key, kv.Value.Span.ToArray())), file.Metadata);
    }

    /// <summary>Reads every state tensor of the model behind an evaluator.</summary>
    /// <param name="evaluator">The evaluator.</param>
    /// <returns>The state.</returns>
    public static ModelState Capture(IModelEvaluator evaluator)
    {
        ArgumentNullException.ThrowIfNull(evaluator);
        var tensors = new List<KeyValuePair<string, float[]>>();
        foreach (StateTensorInfo t in evaluator.Tensors)
        {
            float[] values = new float[t.Length];
            evaluator.Read(t.Name, values);
            tensors.Add(new(t.Name, values));
        }

        return new ModelState(tensors);
    }

    /// <summary>Writes every tensor of this state into the evaluator's model.</summary>
    /// <param name="evaluator">The evaluator.</param>
    public void Restore(IModelEvaluator evaluator)
    {
        ArgumentNullException.ThrowIfNull(evaluator);
        foreach (StateTensorInfo t in evaluator.Tensors)
        {
            evaluator.Write(t.Name, this[t.Name]);
        }
    }

    /// <summary>Checks that this state has every tensor of the evaluator's model with the same length.</summary>
    /// <param name="evaluator">The evaluator.</param>
    /// <param name="what">How to name this state in the message (e.g. the checkpoint path).</param>
    /// <exception cref="ArgumentException">A tensor is missing or has another length; the message names it and how to fix it.</exception>
    public void CheckCompatible(IModelEvaluator evaluator, string what)
    {
        ArgumentNullException.ThrowIfNull(evaluator);
        string[] missing = [.. evaluator.Tensors.Where(t => !_tensors.ContainsKey(t.Name)).Select(t => t.Name)];
        if (missing.Length > 0)
        {
            throw new ArgumentException(
                $"{what} lacks {missing.Length} tensor(s) the model has: {string.Join(", ", missing)}. Use two checkpoints of the same architecture (same layer names).");
        }

        foreach (StateTensorInfo t in evaluator.Tensors)
        {
            int length = _tensors[t.Name].Length;
            if (length != t.Length)
            {
                throw new ArgumentException(
                    $"{what}: tensor '{t.Name}' has {length} values but the model's has {t.Length}. Use checkpoints saved from the same layer sizes.");
            }
        }
    }

    /// <summary>Creates the state of a managed-engine model (copies).</summary>
    /// <param name="model">The model.</param>
    /// <returns>The state.</returns>
    public static ModelState FromModel(Sequential model) =>
        new(Checkpoint.StateTensors(model).Select(s => new KeyValuePair<string, float[]>(s.Name, s.Value.Span.ToArray())));
}
