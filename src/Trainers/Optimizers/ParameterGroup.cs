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
    /// <param name="weightDecay">The L2 weight decay, ≥ 0.</param>
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
