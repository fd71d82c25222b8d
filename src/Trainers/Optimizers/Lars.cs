using System.Numerics.Tensors;

namespace MLGradientInsight.Trainers.Optimizers;

/// <summary>
/// Layer-wise Adaptive Rate Scaling (You, Gitman &amp; Ginsburg 2017, "Large Batch Training of Convolutional
/// Networks", Algorithm 1): momentum SGD whose step for each parameter tensor is scaled by a trust ratio.
/// Not part of PyTorch; tested against a NumPy reference in <c>tools/make_optimizer_fixtures.py</c>.
/// </summary>
/// <remarks>
/// For each parameter tensor w (one layer's weight or bias) with gradient g, group learning rate γ, group
/// weight decay β, trust coefficient η, momentum μ and ε (v starts at 0; norms are Euclidean over the tensor):
/// <code>
/// λ ← η·‖w‖ / (‖g‖ + β‖w‖ + ε)   if ‖w‖ &gt; 0 and ‖g‖ &gt; 0, else λ ← 1
/// v ← μv + γ·λ·(g + βw)
/// w ← w − v
/// </code>
/// With <see cref="LarsOptions.ExcludeBiasAndNormalization"/>, tensors of rank 1 use λ = 1 and β = 0
/// (v ← μv + γg). The learning rate sits inside the momentum buffer, as in the paper, so a learning-rate change
/// affects only new contributions to v.
/// </remarks>
public sealed class Lars : Optimizer
{
    private readonly float _momentum;
    private readonly float _trustCoefficient;
    private readonly float _epsilon;
    private readonly bool _exclude;
    private readonly float[]?[] _velocities;

    /// <summary>Creates the optimizer with one group.</summary>
    /// <param name="parameters">The parameters.</param>
    /// <param name="learningRate">γ, ≥ 0.</param>
    /// <param name="momentum">μ, ≥ 0.</param>
    /// <param name="weightDecay">β, ≥ 0.</param>
    /// <param name="trustCoefficient">η, &gt; 0.</param>
    /// <exception cref="ArgumentNullException"><paramref name="parameters"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A setting is out of range.</exception>
    public Lars(IEnumerable<Parameter> parameters, float learningRate, float momentum = LarsOptions.DefaultMomentum, float weightDecay = 0f, float trustCoefficient = LarsOptions.DefaultTrustCoefficient)
        : this(parameters, new LarsOptions { LearningRate = learningRate, Momentum = momentum, WeightDecay = weightDecay, TrustCoefficient = trustCoefficient })
    {
    }

    /// <summary>Creates the optimizer with one group from options.</summary>
    /// <param name="parameters">The parameters.</param>
    /// <param name="options">The settings; their learning rate and weight decay go to the group.</param>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A setting is out of range.</exception>
    public Lars(IEnumerable<Parameter> parameters, LarsOptions options)
        : this(SingleGroup(parameters, options), options)
    {
    }

    /// <summary>Creates the optimizer with parameter groups; each group's learning rate and weight decay apply to it.</summary>
    /// <param name="groups">The groups.</param>
    /// <param name="options">The other settings; null for the defaults. Its learning rate and weight decay are not used.</param>
    /// <exception cref="ArgumentNullException"><paramref name="groups"/> is null.</exception>
    /// <exception cref="ArgumentException">No group, or a parameter in two groups.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A setting is out of range.</exception>
    public Lars(IEnumerable<ParameterGroup> groups, LarsOptions? options = null)
        : base(groups)
    {
        options ??= new LarsOptions();
        options.Validate();
        _momentum = options.Momentum;
        _trustCoefficient = options.TrustCoefficient;
        _epsilon = options.Epsilon;
        _exclude = options.ExcludeBiasAndNormalization;
        _velocities = new float[ParameterCount][];
    }

    /// <summary>Computes the trust ratio λ of one tensor (1 when either norm is zero).</summary>
    /// <param name="weightNorm">‖w‖.</param>
    /// <param name="gradientNorm">‖g‖.</param>
    /// <param name="trustCoefficient">η.</param>
    /// <param name="weightDecay">β.</param>
    /// <param name="epsilon">ε.</param>
    /// <returns>η‖w‖ / (‖g‖ + β‖w‖ + ε), or 1.</returns>
    public static float TrustRatio(float weightNorm, float gradientNorm, float trustCoefficient, float weightDecay, float epsilon) =>
        weightNorm > 0 && gradientNorm > 0
            ? trustCoefficient * weightNorm / (gradientNorm + (weightDecay * weightNorm) + epsilon)
            : 1f;

    /// <inheritdoc/>
    protected override void UpdateParameter(Parameter p, ParameterGroup group, int index)
    {
        float learningRate = group.LearningRate, weightDecay = group.WeightDecay;
        Span<float> w = p.Weights;
        ReadOnlySpan<float> g = p.Gradients;
        float trust = 1f;
        if (_exclude && p.Shape.Length == 1)
        {
            weightDecay = 0;
        }
        else
        {
            trust = TrustRatio(TensorPrimitives.Norm(w), TensorPrimitives.Norm(g), _trustCoefficient, weightDecay, _epsilon);
        }

        // d ← g + βw; v ← μv + γλd; w ← w − v
        Span<float> d = Scratch(0, w.Length);
        if (weightDecay != 0)
        {
            TensorPrimitives.MultiplyAdd(w, weightDecay, g, d);
        }
        else
        {
            g.CopyTo(d);
        }

        Span<float> v = _velocities[index] ??= new float[w.Length];
        TensorPrimitives.Multiply(v, _momentum, v);
        TensorPrimitives.MultiplyAdd(d, learningRate * trust, v, v);
        TensorPrimitives.Subtract(w, v, w);
    }

    private static IEnumerable<ParameterGroup> SingleGroup(IEnumerable<Parameter> parameters, LarsOptions options)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        return [new ParameterGroup("all", parameters, options.LearningRate, options.WeightDecay)];
    }
}
