namespace MLGradientInsight.Trainers.Optimizers;

/// <summary>Per-parameter moments and step counts shared by <see cref="Adam"/> and <see cref="AdamW"/>.</summary>
internal sealed class AdamState
{
    private readonly float[]?[] _m;
    private readonly float[]?[] _v;
    private readonly float[]?[] _vMax;
    private readonly long[] _steps;
    private readonly double _beta1;
    private readonly double _beta2;
    private readonly float _epsilon;
    private readonly bool _amsgrad;

    public AdamState(int parameterCount, float beta1, float beta2, float epsilon, bool amsgrad)
    {
        _m = new float[parameterCount][];
        _v = new float[parameterCount][];
        _vMax = amsgrad ? new float[parameterCount][] : [];
        _steps = new long[parameterCount];
        _beta1 = beta1;
        _beta2 = beta2;
        _epsilon = epsilon;
        _amsgrad = amsgrad;
    }

    /// <summary>Runs one parameter through the fused kernel.</summary>
    /// <param name="p">The parameter.</param>
    /// <param name="learningRate">Its group's learning rate.</param>
    /// <param name="weightDecay">Its group's weight decay.</param>
    /// <param name="decoupled">True for AdamW (θ ← θ(1 − ηλ)), false for Adam (g ← g + λθ).</param>
    /// <param name="index">The parameter's index across all groups.</param>
    public void Update(Parameter p, float learningRate, float weightDecay, bool decoupled, int index)
    {
        int n = p.Length;
        float[] m = _m[index] ??= new float[n];
        float[] v = _v[index] ??= new float[n];
        Span<float> vMax = _amsgrad ? (_vMax[index] ??= new float[n]) : [];
        long t = ++_steps[index];

        // Bias corrections in double, as PyTorch computes them in Python floats.
        double bias1 = 1 - Math.Pow(_beta1, t);
        double bias2 = 1 - Math.Pow(_beta2, t);
        var c = new AdamCoefficients(
            Decay: decoupled ? (float)(1 - ((double)learningRate * weightDecay)) : 1f,
            L2: decoupled ? 0f : weightDecay,
            Beta1: (float)_beta1,
            Beta2: (float)_beta2,
            StepSize: (float)(learningRate / bias1),
            Bias2Sqrt: (float)Math.Sqrt(bias2),
            Epsilon: _epsilon);
        AdamKernel.Update(p.Weights, p.Gradients, m, v, vMax, c);
    }
}
