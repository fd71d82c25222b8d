using System.Numerics.Tensors;

namespace MLGradientInsight.Trainers.Optimizers;

/// <summary>Adadelta (Zeiler 2012; 004 §3.5), as <c>torch.optim.Adadelta</c>.</summary>
/// <remarks>
/// Per parameter, with group rate η and decay λ (v and u start at 0):
/// <code>
/// d ← g + λθ
/// v ← ρv + (1 − ρ)d²
/// Δ ← √(u + ε) / √(v + ε) · d
/// u ← ρu + (1 − ρ)Δ²
/// θ ← θ − ηΔ
/// </code>
/// </remarks>
public sealed class Adadelta : Optimizer
{
    private readonly float _rho;
    private readonly float _epsilon;
    private readonly float[]?[] _squareAverages;
    private readonly float[]?[] _deltaAverages;

    /// <summary>Creates the optimizer with one group.</summary>
    /// <param name="parameters">The parameters.</param>
    /// <param name="learningRate">η, ≥ 0.</param>
    /// <param name="rho">ρ in [0, 1].</param>
    /// <param name="weightDecay">λ, ≥ 0.</param>
    /// <exception cref="ArgumentNullException"><paramref name="parameters"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A setting is out of range.</exception>
    public Adadelta(IEnumerable<Parameter> parameters, float learningRate = 1f, float rho = 0.9f, float weightDecay = 0f)
        : this(parameters, new AdadeltaOptions { LearningRate = learningRate, Rho = rho, WeightDecay = weightDecay })
    {
    }

    /// <summary>Creates the optimizer with one group from options.</summary>
    /// <param name="parameters">The parameters.</param>
    /// <param name="options">The settings; their learning rate and weight decay go to the group.</param>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A setting is out of range.</exception>
    public Adadelta(IEnumerable<Parameter> parameters, AdadeltaOptions options)
        : this(SingleGroup(parameters, options), options)
    {
    }

    /// <summary>Creates the optimizer with parameter groups; each group's learning rate and weight decay apply to it.</summary>
    /// <param name="groups">The groups.</param>
    /// <param name="options">The other settings; null for the defaults. Its learning rate and weight decay are not used.</param>
    /// <exception cref="ArgumentNullException"><paramref name="groups"/> is null.</exception>
    /// <exception cref="ArgumentException">No group, or a parameter in two groups.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A setting is out of range.</exception>
    public Adadelta(IEnumerable<ParameterGroup> groups, AdadeltaOptions? options = null)
        : base(groups)
    {
        options ??= new AdadeltaOptions();
        options.Validate();
        _rho = options.Rho;
        _epsilon = options.Epsilon;
        _squareAverages = new float[ParameterCount][];
        _deltaAverages = new float[ParameterCount][];
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
        Span<float> u = _deltaAverages[index] ??= new float[n];
        Span<float> std = Scratch(1, n);
        Span<float> delta = Scratch(2, n);
        float keep = _rho, mix = 1 - _rho;

        // v ← ρv + (1 − ρ)d²
        TensorPrimitives.Multiply(d, d, std);
        TensorPrimitives.Multiply(v, keep, v);
        TensorPrimitives.MultiplyAdd(std, mix, v, v);

        // Δ ← √(u + ε)/√(v + ε) · d
        TensorPrimitives.Add(v, _epsilon, std);
        TensorPrimitives.Sqrt(std, std);
        TensorPrimitives.Add(u, _epsilon, delta);
        TensorPrimitives.Sqrt(delta, delta);
        TensorPrimitives.Divide(delta, std, delta);
        TensorPrimitives.Multiply(delta, d, delta);

        // u ← ρu + (1 − ρ)Δ²; θ ← θ − ηΔ
        TensorPrimitives.Multiply(delta, delta, std);
        TensorPrimitives.Multiply(u, keep, u);
        TensorPrimitives.MultiplyAdd(std, mix, u, u);
        TensorPrimitives.MultiplyAdd(delta, -learningRate, w, w);
    }

    private static IEnumerable<ParameterGroup> SingleGroup(IEnumerable<Parameter> parameters, AdadeltaOptions options)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        return [new ParameterGroup("all", parameters, options.LearningRate, options.WeightDecay)];
    }
}
