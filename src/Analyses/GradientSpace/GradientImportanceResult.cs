namespace MLGradientInsight.Analyses.GradientSpace;

/// <summary>The importance of every edge of a model, from <see cref="GradientImportance"/>.</summary>
public sealed class GradientImportanceResult
{
    private readonly ParameterImportance[] _parameters;

    internal GradientImportanceResult(int sampleCount, ParameterImportance[] parameters)
    {
        SampleCount = sampleCount;
        _parameters = parameters;
    }

    /// <summary>Gets the number of samples the gradients were taken over.</summary>
    public int SampleCount { get; }

    /// <summary>Gets the parameter names in the model's order.</summary>
    public IReadOnlyList<string> ParameterNames => [.. _parameters.Select(p => p.Name)];

    internal IReadOnlyList<ParameterImportance> Parameters => _parameters;

    /// <summary>Gets the importance of every element of one parameter, flat in row-major order (a copy).</summary>
    /// <param name="parameter">The parameter name (<c>fc1.weight</c>).</param>
    /// <param name="criterion">The criterion.</param>
    /// <returns>One value per element.</returns>
    /// <exception cref="KeyNotFoundException">No such parameter; the message lists the names.</exception>
    public float[] Values(string parameter, ImportanceCriterion criterion) => (float[])Find(parameter).Values(criterion).Clone();

    /// <summary>Gets every edge, parameter after parameter (for CSV or <c>mlContext.Data.LoadFromEnumerable</c>).</summary>
    /// <returns>The edges.</returns>
    public IEnumerable<EdgeImportance> Edges()
    {
        foreach (ParameterImportance p in _parameters)
        {
            for (int e = 0; e < p.Length; e++)
            {
                yield return p.Edge(e);
            }
        }
    }

    /// <summary>Gets the <paramref name="k"/> most important edges of each weight tensor (biases left out), most important first.</summary>
    /// <param name="criterion">The criterion.</param>
    /// <param name="k">Edges per layer (fewer when a layer has fewer).</param>
    /// <returns>Edges grouped by layer in the model's order.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="k"/> is not positive.</exception>
    public IReadOnlyList<EdgeImportance> Top(ImportanceCriterion criterion, int k)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(k);
        var top = new List<EdgeImportance>();
        foreach (ParameterImportance p in _parameters.Where(p => p.IsWeight))
        {
            float[] values = p.Values(criterion);
            int[] order = [.. Enumerable.Range(0, p.Length)];
            Array.Sort(order, (a, b) => values[b].CompareTo(values[a]) is int c && c != 0 ? c : a.CompareTo(b));
            top.AddRange(order.Take(k).Select(p.Edge));
        }

        return top;
    }

    /// <summary>
    /// Gets the importance of each input of a weight tensor summed over its output units and reshaped to the image
    /// (003 Fig. 1; SNIP Fig. 2: for the first layer of an image model the map shows where the data lie).
    /// </summary>
    /// <param name="criterion">The criterion.</param>
    /// <param name="height">The image height.</param>
    /// <param name="width">The image width (inputs = channels × height × width; channels are summed).</param>
    /// <param name="parameter">The weight (default: the model's first weight).</param>
    /// <returns>The map, [row, column].</returns>
    /// <exception cref="ArgumentException">The weight is not a (out, in) matrix whose inputs are a multiple of height × width.</exception>
    public float[,] ImportanceMap(ImportanceCriterion criterion, int height, int width, string? parameter = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(height);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(width);
        ParameterImportance p = parameter is null
            ? _parameters.FirstOrDefault(x => x.IsWeight) ?? throw new ArgumentException("The model has no weight matrix.", nameof(parameter))
            : Find(parameter);
        int pixels = height * width;
        if (p.Shape.Length != 2 || p.Shape[1] % pixels != 0)
        {
            throw new ArgumentException(
                $"An importance map needs a fully connected weight (out, in) over the flattened image; {p.Name} has shape [{string.Join(", ", p.Shape)}], which is not (out, channels × {height} × {width}). Convolution filters have no per-pixel edges: use a model whose first layer is fully connected (an MLP), or name a Linear weight whose inputs are the image.",
                nameof(parameter));
        }

        int inputs = p.Shape[1];
        float[] values = p.Values(criterion);
        var map = new float[height, width];
        for (int o = 0; o < p.Shape[0]; o++)
        {
            for (int i = 0; i < inputs; i++)
            {
                int pixel = i % pixels;
                map[pixel / width, pixel % width] += values[(o * inputs) + i];
            }
        }

        return map;
    }

    private ParameterImportance Find(string name) =>
        _parameters.FirstOrDefault(p => p.Name == name)
        ?? throw new KeyNotFoundException($"The model has no parameter '{name}'. It has: {string.Join(", ", _parameters.Select(p => p.Name))}.");
}
