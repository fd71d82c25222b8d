namespace MLGradientInsight.Trainers.Optimizers;

/// <summary>Base of the optimizers (004): updates parameters from their gradients, per parameter group.</summary>
public abstract class Optimizer
{
    private readonly ParameterGroup[] _groups;

    /// <summary>Initializes the optimizer with parameter groups.</summary>
    /// <param name="groups">The groups; a parameter may appear in one group only.</param>
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
            foreach (Parameter p in g.Parameters)
            {
                if (!seen.Add(p))
                {
                    throw new ArgumentException($"Parameter '{p.Name}' is in more than one group.", nameof(groups));
                }
            }
        }
    }

    /// <summary>Gets the parameter groups.</summary>
    public IReadOnlyList<ParameterGroup> Groups => _groups;

    /// <summary>Gets the number of <see cref="Step"/> calls so far.</summary>
    public long StepCount { get; protected set; }

    /// <summary>Applies one update to every parameter from its current gradient.</summary>
    public abstract void Step();

    /// <summary>Sets every gradient to zero.</summary>
    public void ZeroGrad()
    {
        foreach (ParameterGroup g in _groups)
        {
            foreach (Parameter p in g.Parameters)
            {
                p.Gradient.Clear();
            }
        }
    }
}
