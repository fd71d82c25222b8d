namespace MLGradientInsight.Trainers;

/// <summary>
/// Modules applied one after another; the model type of this engine.
/// </summary>
/// <remarks>Parameter names come from the layers' names, so they must be unique.</remarks>
public sealed class Sequential : Module
{
    private readonly Module[] _layers;
    private readonly Parameter[] _parameters;

    /// <summary>Creates a model from layers in forward order.</summary>
    /// <param name="name">The model name (not part of parameter names).</param>
    /// <param name="layers">The layers.</param>
    /// <exception cref="ArgumentException">No layers, or two parameters share a name.</exception>
    public Sequential(string name, params Module[] layers)
        : base(name)
    {
        ArgumentNullException.ThrowIfNull(layers);
        if (layers.Length == 0)
        {
            throw new ArgumentException("A model needs at least one layer.", nameof(layers));
        }

        _layers = (Module[])layers.Clone();
        _parameters = [.. _layers.SelectMany(l => l.Parameters)];
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (Parameter p in _parameters)
        {
            if (!seen.Add(p.Name))
            {
                throw new ArgumentException($"Two parameters are named '{p.Name}'; give every layer a unique name.", nameof(layers));
            }
        }

        _layers[0].NeedsInputGradient = false;
    }

    /// <summary>Gets the layers in forward order.</summary>
    public IReadOnlyList<Module> Layers => _layers;

    /// <inheritdoc/>
    public override IReadOnlyList<Parameter> Parameters => _parameters;

    /// <summary>Gets the total number of trainable values.</summary>
    public long ParameterCount => _parameters.Sum(p => (long)p.Length);

    /// <summary>Gets the names of the layers that own parameters, in forward order.</summary>
    public IReadOnlyList<string> ParameterLayerNames => [.. _parameters.Select(p => p.LayerName).Distinct()];

    /// <summary>Finds a parameter by its full name.</summary>
    /// <param name="name">E.g. <c>fc1.weight</c>.</param>
    /// <returns>The parameter.</returns>
    /// <exception cref="KeyNotFoundException">No such parameter; the message lists the names.</exception>
    public Parameter GetParameter(string name)
    {
        foreach (Parameter p in _parameters)
        {
            if (p.Name == name)
            {
                return p;
            }
        }

        throw new KeyNotFoundException($"The model has no parameter '{name}'. It has: {string.Join(", ", _parameters.Select(p => p.Name))}.");
    }

    /// <inheritdoc/>
    public override Tensor Forward(Tensor input)
    {
        Tensor x = input;
        foreach (Module layer in _layers)
        {
            x = layer.Forward(x);
        }

        return x;
    }

    /// <inheritdoc/>
    public override Tensor? Backward(Tensor outputGradient)
    {
        Tensor? g = outputGradient;
        for (int i = _layers.Length - 1; i >= 0 && g is not null; i--)
        {
            g = _layers[i].Backward(g);
        }

        return g;
    }

    /// <inheritdoc/>
    public override void SetTraining(bool training)
    {
        base.SetTraining(training);
        foreach (Module layer in _layers)
        {
            layer.SetTraining(training);
        }
    }

    /// <inheritdoc/>
    public override int[] OutputShape(ReadOnlySpan<int> inputShape)
    {
        int[] shape = inputShape.ToArray();
        foreach (Module layer in _layers)
        {
            shape = layer.OutputShape(shape);
        }

        return shape;
    }

    /// <summary>Describes the layers, their output shapes and parameter counts for one sample shape.</summary>
    /// <param name="sampleShape">The shape of one sample (without the batch dimension).</param>
    /// <returns>One line per layer.</returns>
    public string Summary(ReadOnlySpan<int> sampleShape)
    {
        var lines = new List<string>();
        int[] shape = [1, .. sampleShape];
        foreach (Module layer in _layers)
        {
            shape = layer.OutputShape(shape);
            long count = layer.Parameters.Sum(p => (long)p.Length);
            lines.Add($"{layer.Name,-10} {Describe(layer),-14} out {Tensor.FormatShape(shape.AsSpan(1)),-16} params {count}");
        }

        lines.Add($"total parameters {ParameterCount}");
        return string.Join(Environment.NewLine, lines);
    }

    // The layer's type, with a fused activation named after it (Conv2d+ReLU).
    private static string Describe(Module layer) => layer switch
    {
        Layers.Conv2d { FusedReLU: true } => "Conv2d+ReLU",
        Layers.Linear { FusedReLU: true } => "Linear+ReLU",
        _ => layer.GetType().Name,
    };
}
