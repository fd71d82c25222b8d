namespace MLGradientInsight.Trainers.Optimizers;

/// <summary>Base of the optimizers (004): updates parameters from their gradients, per parameter group.</summary>
/// <remarks>
/// Parameters are numbered in group order, then in order within each group (the <em>flat index</em>
/// 0 … <see cref="ParameterCount"/> − 1); optimizers keep their per-parameter state under that index.
/// State is allocated once, on the first step, and reused: a step allocates nothing.
/// </remarks>
public abstract class Optimizer
{
    private readonly ParameterGroup[] _groups;
    private readonly int _parameterCount;
    private readonly int _largestParameter;
    private readonly float[]?[] _scratch = new float[3][];

    /// <summary>Initializes the optimizer with parameter groups.</summary>
    /// <param name="groups">The groups; a parameter may appear in one group only.</param>
    /// <exception cref="ArgumentNullException"><paramref name="groups"/> is null.</exception>
    /// <exception cref="ArgumentException">No group, or a parameter in two groups.</exception>
    protected Optimizer(IEnumerable<ParameterGroup> groups)
    {
        ArgumentNullException.ThrowIfNull(groups);
        _groups = [.. groups];
        if (_groups.Length == 0)
        {
            throw new ArgumentException("An optimizer needs at least one parameter group.", nameof(groups));
        }

        var seen = new HashSet<Parameter>();
        foreach (ParameterGroup g in _groups)
        {
            ArgumentNullException.ThrowIfNull(g, nameof(groups));
            foreach (Parameter p in g.Parameters)
            {
                if (!seen.Add(p))
                {
                    throw new ArgumentException($"Parameter '{p.Name}' is in more than one group.", nameof(groups));
                }

                _largestParameter = Math.Max(_largestParameter, p.Length);
            }
        }

        _parameterCount = seen.Count;
    }

    /// <summary>Gets the parameter groups.</summary>
    public IReadOnlyList<ParameterGroup> Groups => _groups;

    /// <summary>
    /// Scales every group's learning rate by one factor so that the first group's becomes <paramref name="learningRate"/>
    /// (the ratios between groups are kept), as a controller that changes the rate mid-run needs.
    /// </summary>
    /// <param name="learningRate">The first group's new learning rate.</param>
    public void ScaleLearningRates(double learningRate)
    {
        double factor = learningRate / _groups[0].LearningRate;
        foreach (ParameterGroup group in _groups)
        {
            group.LearningRate = (float)(group.LearningRate * factor);
        }
    }

    /// <summary>Gets the number of <see cref="Step"/> calls so far.</summary>
    public long StepCount { get; protected set; }

    /// <summary>Gets the number of parameters over all groups (the size of the flat index).</summary>
    protected int ParameterCount => _parameterCount;

    /// <summary>Gets the element count of the largest parameter (the size a shared scratch buffer needs).</summary>
    protected int LargestParameterLength => _largestParameter;

    /// <summary>Applies one update to every parameter from its current gradient.</summary>
    public virtual void Step()
    {
        StepCount++;
        int index = 0;
        for (int gi = 0; gi < _groups.Length; gi++)
        {
            ParameterGroup group = _groups[gi];
            IReadOnlyList<Parameter> parameters = group.Parameters;
            for (int i = 0; i < parameters.Count; i++, index++)
            {
                Parameter p = parameters[i];
                if (p.RequiresGradient)
                {
                    UpdateParameter(p, group, index);
                }
            }
        }
    }

    /// <summary>Updates one parameter from its gradient with its group's current learning rate and weight decay.</summary>
    /// <param name="p">The parameter (its <see cref="Parameter.RequiresGradient"/> is true).</param>
    /// <param name="group">Its group.</param>
    /// <param name="index">The parameter's index across all groups (in group order), for per-parameter state.</param>
    protected abstract void UpdateParameter(Parameter p, ParameterGroup group, int index);

    /// <summary>Sets every gradient to zero.</summary>
    public void ZeroGrad()
    {
        // for loops over the array: no enumerator allocation on the per-step path.
        foreach (ParameterGroup g in _groups)
        {
            IReadOnlyList<Parameter> parameters = g.Parameters;
            for (int i = 0; i < parameters.Count; i++)
            {
                parameters[i].Gradient.Clear();
            }
        }
    }

    /// <summary>Gets a scratch buffer shared by all parameters, allocated once on first use.</summary>
    /// <param name="slot">Which buffer, 0 to 2 (distinct slots never overlap).</param>
    /// <param name="length">The length needed, at most <see cref="LargestParameterLength"/>.</param>
    /// <returns>The first <paramref name="length"/> elements of the buffer; contents unspecified.</returns>
    protected Span<float> Scratch(int slot, int length) =>
        (_scratch[slot] ??= new float[_largestParameter]).AsSpan(0, length);
}
