namespace MLGradientInsight.Trainers.Optimizers;

/// <summary>Adagrad (004 §3.3), as <c>torch.optim.Adagrad</c>.</summary>
/// <remarks>
/// Per parameter, at its t-th step (t counts the steps that updated it), with group rate η and decay λ:
/// <code>
/// d ← g + λθ
/// s ← s + d²                       (s starts at InitialAccumulatorValue)
/// θ ← θ − η/(1 + (t − 1)δ) · d / (√s + ε)
/// </code>
/// One fused SIMD pass per parameter; no allocation after the first step.
/// </remarks>
public sealed class Adagrad : Optimizer
{
    private readonly float _learningRateDecay;
    private readonly float _initialAccumulator;
    private readonly float _epsilon;
    private readonly float[]?[] _sums;
    private readonly long[] _steps;

    /// <summary>Creates the optimizer with one group.</summary>
    /// <param name="parameters">The parameters.</param>
    /// <param name="learningRate">η, ≥ 0.</param>
    /// <param name="weightDecay">λ, ≥ 0.</param>
    /// <exception cref="ArgumentNullException"><paramref name="parameters"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A setting is out of range.</exception>
    public Adagrad(IEnumerable<Parameter> parameters, float learningRate = AdagradOptions.DefaultLearningRate, float weightDecay = 0f)
        : this(parameters, new AdagradOptions { LearningRate = learningRate, WeightDecay = weightDecay })
    {
    }

    /// <summary>Creates the optimizer with one group from options.</summary>
    /// <param name="parameters">The parameters.</param>
    /// <param name="options">The settings; their learning rate and weight decay go to the group.</param>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A setting is out of range.</exception>
    public Adagrad(IEnumerable<Parameter> parameters, AdagradOptions options)
        : this(SingleGroup(parameters, options), options)
    {
    }

    /// <summary>Creates the optimizer with parameter groups; each group's learning rate and weight decay apply to it.</summary>
    /// <param name="groups">The groups.</param>
    /// <param name="options">The other settings; null for the defaults. Its learning rate and weight decay are not used.</param>
    /// <exception cref="ArgumentNullException"><paramref name="groups"/> is null.</exception>
    /// <exception cref="ArgumentException">No group, or a parameter in two groups.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A setting is out of range.</exception>
    public Adagrad(IEnumerable<ParameterGroup> groups, AdagradOptions? options = null)
        : base(groups)
    {
        options ??= new AdagradOptions();
        options.Validate();
        _learningRateDecay = options.LearningRateDecay;
        _initialAccumulator = options.InitialAccumulatorValue;
        _epsilon = options.Epsilon;
        _sums = new float[ParameterCount][];
        _steps = new long[ParameterCount];
    }

    /// <inheritdoc/>
    protected override void UpdateParameter(Parameter p, ParameterGroup group, int index)
    {
        float learningRate = group.LearningRate, weightDecay = group.WeightDecay;
        float[] sum = _sums[index] ??= CreateAccumulator(p.Length);
        long t = ++_steps[index];
        float clr = (float)(learningRate / (1 + ((t - 1) * (double)_learningRateDecay)));
        AdagradKernel.Update(p.Weights, p.Gradients, sum, clr, weightDecay, _epsilon);
    }

    private float[] CreateAccumulator(int length)
    {
        float[] sum = new float[length];
        Array.Fill(sum, _initialAccumulator);
        return sum;
    }

    private static IEnumerable<ParameterGroup> SingleGroup(IEnumerable<Parameter> parameters, AdagradOptions options)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        return [new ParameterGroup("all", parameters, options.LearningRate, options.WeightDecay)];
    }
}
