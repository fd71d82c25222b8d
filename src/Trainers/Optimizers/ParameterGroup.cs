namespace MLGradientInsight.Trainers.Optimizers;

/// <summary>
/// Parameters that share optimizer settings (PyTorch's <c>param_groups</c>). The learning rate and
/// weight decay may be changed while training runs; the change applies from the next step.
/// </summary>
public sealed class ParameterGroup
{
    private float _learningRate;
    private float _weightDecay;

    /// <summary>Creates a group.</summary>
    /// <param name="name">A name for reports (e.g. the layer name).</param>
    /// <param name="parameters">The parameters.</param>
    /// <param name="learningRate">The learning rate, ≥ 0.</param>
    /// <param name="weightDecay">The weight decay, ≥ 0 (each optimizer documents how it applies it).</param>
    /// <exception cref="ArgumentException"><paramref name="name"/> is null or blank.</exception>
    /// <exception cref="ArgumentNullException"><paramref name="parameters"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A negative or non-finite rate or decay.</exception>
    public ParameterGroup(string name, IEnumerable<Parameter> parameters, float learningRate, float weightDecay = 0f)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(parameters);
        Name = name;
        Parameters = [.. parameters];
        LearningRate = learningRate;
        WeightDecay = weightDecay;
        InitialLearningRate = learningRate;
    }

    /// <summary>
    /// Builds one group per layer, in the order the layers first appear, grouping by <see cref="Parameter.LayerName"/>;
    /// each group is named after its layer, so its learning rate can be changed on its own while training runs.
    /// </summary>
    /// <param name="parameters">The parameters (e.g. <see cref="Module.Parameters"/>).</param>
    /// <param name="learningRate">The learning rate of every group, ≥ 0.</param>
    /// <param name="weightDecay">The weight decay of every group, ≥ 0.</param>
    /// <returns>The groups, one per layer.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="parameters"/> is null or holds null.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A negative or non-finite rate or decay.</exception>
    public static IReadOnlyList<ParameterGroup> PerLayer(IEnumerable<Parameter> parameters, float learningRate, float weightDecay = 0f) =>
        PerLayer(parameters, _ => learningRate, weightDecay);

    /// <summary>
    /// Builds one group per layer (grouping by <see cref="Parameter.LayerName"/>, in order of first appearance),
    /// with a learning rate chosen per layer.
    /// </summary>
    /// <param name="parameters">The parameters.</param>
    /// <param name="learningRate">Maps a layer name to its learning rate (≥ 0).</param>
    /// <param name="weightDecay">The weight decay of every group, ≥ 0.</param>
    /// <returns>The groups, one per layer.</returns>
    /// <exception cref="ArgumentNullException">An argument is null, or <paramref name="parameters"/> holds null.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A negative or non-finite rate or decay.</exception>
    public static IReadOnlyList<ParameterGroup> PerLayer(IEnumerable<Parameter> parameters, Func<string, float> learningRate, float weightDecay = 0f)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        ArgumentNullException.ThrowIfNull(learningRate);
        var order = new List<string>();
        var byLayer = new Dictionary<string, List<Parameter>>(StringComparer.Ordinal);
        foreach (Parameter p in parameters)
        {
            ArgumentNullException.ThrowIfNull(p, nameof(parameters));
            if (!byLayer.TryGetValue(p.LayerName, out List<Parameter>? list))
            {
                list = [];
                byLayer.Add(p.LayerName, list);
                order.Add(p.LayerName);
            }

            list.Add(p);
        }

        var groups = new ParameterGroup[order.Count];
        for (int i = 0; i < groups.Length; i++)
        {
            groups[i] = new ParameterGroup(order[i], byLayer[order[i]], learningRate(order[i]), weightDecay);
        }

        return groups;
    }

    /// <summary>Gets the group name.</summary>
    public string Name { get; }

    /// <summary>Gets the parameters.</summary>
    public IReadOnlyList<Parameter> Parameters { get; }

    /// <summary>Gets the learning rate the group was created with (schedules scale from it).</summary>
    public float InitialLearningRate { get; }

    /// <summary>Gets or sets the learning rate.</summary>
    /// <exception cref="ArgumentOutOfRangeException">Negative or not finite.</exception>
    public float LearningRate
    {
        get => _learningRate;
        set
        {
            if (!float.IsFinite(value) || value < 0)
            {
                throw new ArgumentOutOfRangeException(nameof(value), value, "The learning rate must be finite and ≥ 0.");
            }

            _learningRate = value;
        }
    }

    /// <summary>Gets or sets the weight decay.</summary>
    /// <exception cref="ArgumentOutOfRangeException">Negative or not finite.</exception>
    public float WeightDecay
    {
        get => _weightDecay;
        set
        {
            if (!float.IsFinite(value) || value < 0)
            {
                throw new ArgumentOutOfRangeException(nameof(value), value, "The weight decay must be finite and ≥ 0.");
            }

            _weightDecay = value;
        }
    }
}
