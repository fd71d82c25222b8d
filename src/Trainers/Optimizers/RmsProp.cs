using System.Numerics.Tensors;

namespace MLGradientInsight.Trainers.Optimizers;

/// <summary>RMSprop (004 §3.4), as <c>torch.optim.RMSprop</c>, with optional momentum and centring.</summary>
/// <remarks>
/// Per parameter, with group rate η and decay λ (all state starts at 0):
/// <code>
/// d ← g + λθ
/// v ← αv + (1 − α)d²
/// r ← √(v − a²) + ε   with a ← αa + (1 − α)d   (centred)
/// r ← √v + ε                                   (otherwise)
/// μ &gt; 0:  b ← μb + d/r;  θ ← θ − ηb
/// μ = 0:  θ ← θ − η·d/r
/// </code>
/// </remarks>
public sealed class RmsProp : Optimizer
{
    private readonly float _alpha;
    private readonly float _epsilon;
    private readonly float _momentum;
    private readonly bool _centered;
    private readonly float[]?[] _squareAverages;
    private readonly float[]?[] _gradientAverages;
    private readonly float[]?[] _buffers;

    /// <summary>Creates the optimizer with one group.</summary>
    /// <param name="parameters">The parameters.</param>
    /// <param name="learningRate">η, ≥ 0.</param>
    /// <param name="alpha">α in [0, 1].</param>
    /// <param name="momentum">μ, ≥ 0.</param>
    /// <param name="weightDecay">λ, ≥ 0.</param>
    /// <exception cref="ArgumentNullException"><paramref name="parameters"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A setting is out of range.</exception>
    public RmsProp(IEnumerable<Parameter> parameters, float learningRate = 0.01f, float alpha = 0.99f, float momentum = 0f, float weightDecay = 0f)
        : this(parameters, new RmsPropOptions { LearningRate = learningRate, Alpha = alpha, Momentum = momentum, WeightDecay = weightDecay })
    {
    }

    /// <summary>Creates the optimizer with one group from options.</summary>
    /// <param name="parameters">The parameters.</param>
    /// <param name="options">The settings; their learning rate and weight decay go to the group.</param>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A setting is out of range.</exception>
    public RmsProp(IEnumerable<Parameter> parameters, RmsPropOptions options)
        : this(SingleGroup(parameters, options), options)
    {
    }

    /// <summary>Creates the optimizer with parameter groups; each group's learning rate and weight decay apply to it.</summary>
    /// <param name="groups">The groups.</param>
    /// <param name="options">The other settings; null for the defaults. Its learning rate and weight decay are not used.</param>
    /// <exception cref="ArgumentNullException"><paramref name="groups"/> is null.</exception>
    /// <exception cref="ArgumentException">No group, or a parameter in two groups.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A setting is out of range.</exception>
    public RmsProp(IEnumerable<ParameterGroup> groups, RmsPropOptions? options = null)
        : base(groups)
    {
        options ??= new RmsPropOptions();
        options.Validate();
        _alpha = options.Alpha;
        _epsilon = options.Epsilon;
        _momentum = options.Momentum;
        _centered = options.Centered;
        _squareAverages = new float[ParameterCount][];
        _gradientAverages = new float[ParameterCount][];
        _buffers = new float[ParameterCount][];
    }

    /// <inheritdoc/>
    public override void Step()
    {
        StepCount++;
        int index = 0;
        IReadOnlyList<ParameterGroup> groups = Groups;
        for (int gi = 0; gi < groups.Count; gi++)
        {
            ParameterGroup g = groups[gi];
            IReadOnlyList<Parameter> parameters = g.Parameters;
            for (int i = 0; i < parameters.Count; i++, index++)
            {
                Parameter p = parameters[i];
                if (p.RequiresGradient)
                {
                    Update(p, g.LearningRate, g.WeightDecay, index);
                }
            }
        }
    }

    private void Update(Parameter p, float learningRate, float weightDecay, int index)
    {
        Span<float> w = p.Weights;
        int n = w.Length;
        ReadOnlySpan<float> d = p.Gradients;
        if (weightDecay != 0)
        {
            Span<float> decayed = Scratch(0, n);
            TensorPrimitives.MultiplyAdd(w, weightDecay, d, decayed);
            d = decayed;
        }

        Span<float> v = _squareAverages[index] ??= new float[n];
        Span<float> root = Scratch(1, n);
        float mix = 1 - _alpha;

        // v ← αv + (1 − α)d²
        TensorPrimitives.Multiply(d, d, root);
        TensorPrimitives.Multiply(v, _alpha, v);
        TensorPrimitives.MultiplyAdd(root, mix, v, v);
        if (_centered)
        {
            // a ← αa + (1 − α)d; r ← √(v − a²)
            Span<float> a = _gradientAverages[index] ??= new float[n];
            TensorPrimitives.Multiply(a, _alpha, a);
            TensorPrimitives.MultiplyAdd(d, mix, a, a);
            TensorPrimitives.Multiply(a, a, root);
            TensorPrimitives.Subtract(v, root, root);
            TensorPrimitives.Sqrt(root, root);
        }
        else
        {
            TensorPrimitives.Sqrt(v, root);
        }

        TensorPrimitives.Add(root, _epsilon, root);
        TensorPrimitives.Divide(d, root, root);
        if (_momentum > 0)
        {
            // b ← μb + d/r; θ ← θ − ηb
            Span<float> b = _buffers[index] ??= new float[n];
            TensorPrimitives.Multiply(b, _momentum, b);
            TensorPrimitives.Add(b, root, b);
            TensorPrimitives.MultiplyAdd(b, -learningRate, w, w);
        }
        else
        {
            TensorPrimitives.MultiplyAdd(root, -learningRate, w, w);
        }
    }

    private static IEnumerable<ParameterGroup> SingleGroup(IEnumerable<Parameter> parameters, RmsPropOptions options)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        return [new ParameterGroup("all", parameters, options.LearningRate, options.WeightDecay)];
    }
}
