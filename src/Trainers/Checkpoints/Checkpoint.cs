using System.Reflection;

namespace MLGradientInsight.Trainers.Checkpoints;

/// <summary>
/// Saves and loads a model's state as a safetensors file with PyTorch's <c>state_dict</c> names
/// (<c>conv1.weight</c>, <c>fc2.bias</c>, <c>bn1.running_mean</c>), so checkpoints move between
/// this engine and PyTorch.
/// </summary>
/// <remarks>
/// <para>The state is every parameter plus the running statistics of layers that expose public
/// <see cref="Tensor"/> properties <c>RunningMean</c> and <c>RunningVariance</c> (batch
/// normalisation), saved as <c>{layer}.running_mean</c> and <c>{layer}.running_var</c>. PyTorch's
/// <c>{layer}.num_batches_tracked</c> counter has no counterpart here: it is ignored when loading
/// and not written (PyTorch fills it in with 0 when it is absent).</para>
/// <para>Loading checks everything before it changes the model: on any error the model is left as it was.</para>
/// </remarks>
public static class Checkpoint
{
    /// <summary>The metadata key naming the writer.</summary>
    public const string ProducerKey = "producer";

    private const string RunningMeanProperty = "RunningMean";
    private const string RunningVarianceProperty = "RunningVariance";
    private const string BatchCounterSuffix = ".num_batches_tracked";

    /// <summary>Gets the model's state: parameters then running statistics, each with its PyTorch name.</summary>
    /// <param name="model">The model.</param>
    /// <returns>The named tensors (the model's own tensors, not copies).</returns>
    public static IReadOnlyList<(string Name, Tensor Value)> StateTensors(Sequential model)
    {
        ArgumentNullException.ThrowIfNull(model);
        var state = new List<(string Name, Tensor Value)>();
        foreach (Parameter p in model.Parameters)
        {
            state.Add((p.Name, p.Value));
        }

        foreach (Module layer in Flatten(model))
        {
            if (RunningStatistics(layer) is (Tensor mean, Tensor variance))
            {
                state.Add((layer.Name + ".running_mean", mean));
                state.Add((layer.Name + ".running_var", variance));
            }
        }

        return state;
    }

    /// <summary>Saves the model's state (atomically) as F32 safetensors.</summary>
    /// <param name="model">The model.</param>
    /// <param name="path">The file.</param>
    /// <param name="metadata">Extra <c>__metadata__</c> entries; <c>format</c> = <c>pt</c> and <c>producer</c> are added unless given.</param>
    /// <exception cref="IOException">The file cannot be written.</exception>
    public static void Save(Sequential model, string path, IReadOnlyDictionary<string, string>? metadata = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        var all = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["format"] = "pt",
            [ProducerKey] = "MLGradientInsight",
        };
        if (metadata is not null)
        {
            foreach (KeyValuePair<string, string> kv in metadata)
            {
                all[kv.Key] = kv.Value;
            }
        }

        SafeTensors.Save(path, StateTensors(model), all);
    }

    /// <summary>Loads a checkpoint into the model.</summary>
    /// <param name="model">The model; its parameters and running statistics are overwritten.</param>
    /// <param name="path">The safetensors file.</param>
    /// <param name="strict">When <see langword="true"/> (default) a tensor the model does not have is an error; when <see langword="false"/> such tensors are ignored.</param>
    /// <returns>The file's metadata.</returns>
    /// <exception cref="CheckpointException">
    /// The file is invalid (see <see cref="SafeTensors.Load"/>), a model tensor is missing from it (all missing names are listed),
    /// it holds an unexpected tensor in strict mode (all are listed), or a shape differs (both shapes are named). The model is unchanged.
    /// </exception>
    public static IReadOnlyDictionary<string, string> Load(Sequential model, string path, bool strict = true)
    {
        ArgumentNullException.ThrowIfNull(model);
        SafeTensorsFile file = SafeTensors.Load(path);
        IReadOnlyList<(string Name, Tensor Value)> state = StateTensors(model);
        var expected = new HashSet<string>(state.Select(s => s.Name), StringComparer.Ordinal);
        var counters = new HashSet<string>(
            Flatten(model).Where(l => RunningStatistics(l) is not null).Select(l => l.Name + BatchCounterSuffix), StringComparer.Ordinal);

        string[] missing = [.. state.Where(s => !file.Tensors.ContainsKey(s.Name)).Select(s => s.Name)];
        if (missing.Length > 0)
        {
            throw new CheckpointException(path, missing[0], null,
                $"the checkpoint lacks {missing.Length} tensor(s) the model needs: {string.Join(", ", missing)}. "
                + $"It holds: {string.Join(", ", file.Names)}. Check that it was saved from the same architecture with the same layer names.");
        }

        if (strict)
        {
            string[] extra = [.. file.Names.Where(n => !expected.Contains(n) && !counters.Contains(n))];
            if (extra.Length > 0)
            {
                throw new CheckpointException(path, extra[0], null,
                    $"the checkpoint holds {extra.Length} tensor(s) the model does not have: {string.Join(", ", extra)}. "
                    + "Load with strict: false to ignore them, or check the layer names.");
            }
        }

        foreach ((string name, Tensor value) in state)
        {
            Tensor stored = file.Tensors[name];
            if (!stored.Shape.SequenceEqual(value.Shape))
            {
                throw new CheckpointException(path, name, null,
                    $"shape mismatch: the checkpoint has {Tensor.FormatShape([.. file.Info[name].Shape])} but the model expects {Tensor.FormatShape(value.Shape)}. "
                    + "Build the model with the layer sizes the checkpoint was saved with.");
            }
        }

        foreach ((string name, Tensor value) in state)
        {
            file.Tensors[name].Span.CopyTo(value.Span);
        }

        return file.Metadata;
    }

    private static IEnumerable<Module> Flatten(Module module)
    {
        if (module is Sequential sequential)
        {
            foreach (Module layer in sequential.Layers)
            {
                foreach (Module inner in Flatten(layer))
                {
                    yield return inner;
                }
            }
        }
        else
        {
            yield return module;
        }
    }

    /// <summary>Finds public Tensor properties RunningMean and RunningVariance (batch normalisation) by name, so any layer that exposes them is covered.</summary>
    private static (Tensor Mean, Tensor Variance)? RunningStatistics(Module layer)
    {
        Type type = layer.GetType();
        PropertyInfo? mean = type.GetProperty(RunningMeanProperty, BindingFlags.Public | BindingFlags.Instance);
        PropertyInfo? variance = type.GetProperty(RunningVarianceProperty, BindingFlags.Public | BindingFlags.Instance);
        if (mean?.PropertyType == typeof(Tensor) && variance?.PropertyType == typeof(Tensor)
            && mean.GetValue(layer) is Tensor m && variance.GetValue(layer) is Tensor v)
        {
            return (m, v);
        }

        return null;
    }
}
