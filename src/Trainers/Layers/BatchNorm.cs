namespace MLGradientInsight.Trainers.Layers;

/// <summary>
/// Batch normalisation over the channel dimension (dimension 1) of (N, C, …) batches; the common part of
/// <see cref="BatchNorm1d"/> and <see cref="BatchNorm2d"/>.
/// </summary>
/// <remarks>
/// <para>Training: per channel c, over the M = N·(spatial size) values, μ = mean, σ² = biased variance,
/// x̂ = (x − μ)/√(σ² + ε), y = γ·x̂ + β; the running estimates become
/// running_mean ← (1 − m)·running_mean + m·μ and running_var ← (1 − m)·running_var + m·σ²·M/(M − 1) (unbiased), as PyTorch.
/// Evaluation: μ and σ² are the running estimates.</para>
/// <para>Backward (training): dx = γ/√(σ² + ε) · (dy − mean(dy) − x̂·mean(dy·x̂)); (evaluation): dx = γ/√(σ² + ε) · dy;
/// dγ += Σ dy·x̂, dβ += Σ dy.</para>
/// </remarks>
public abstract class BatchNorm : Module
{
    private readonly Parameter _weight;
    private readonly Parameter _bias;
    private readonly Parameter[] _parameters;
    private readonly Tensor _output = new(1);
    private readonly Tensor _normalized = new(1);
    private readonly Tensor _inputGradient = new(1);
    private readonly float[] _invStd;
    private bool _forwardWasTraining;
    private bool _ran;

    /// <summary>Initializes the layer with γ = 1, β = 0, running mean 0 and running variance 1.</summary>
    /// <param name="name">The layer name (<c>bn1</c>).</param>
    /// <param name="features">The number of channels C.</param>
    /// <param name="epsilon">ε added to the variance.</param>
    /// <param name="momentum">m, the weight of the batch statistic in the running estimates.</param>
    /// <exception cref="ArgumentOutOfRangeException">C is not positive, ε is negative or not finite, or m is outside [0, 1].</exception>
    private protected BatchNorm(string name, int features, float epsilon, float momentum)
        : base(name)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(features);
        if (!(epsilon >= 0f && float.IsFinite(epsilon)))
        {
            throw new ArgumentOutOfRangeException(nameof(epsilon), epsilon, "ε must be finite and non-negative.");
        }

        if (!(momentum >= 0f && momentum <= 1f))
        {
            throw new ArgumentOutOfRangeException(nameof(momentum), momentum, "The momentum must be in [0, 1].");
        }

        Features = features;
        Epsilon = epsilon;
        Momentum = momentum;
        _weight = new Parameter(name, "weight", features);
        _weight.Weights.Fill(1f);
        _bias = new Parameter(name, "bias", features);
        _parameters = [_weight, _bias];
        RunningMean = new Tensor(features);
        RunningVariance = new Tensor(features);
        RunningVariance.Span.Fill(1f);
        _invStd = new float[features];
    }

    /// <summary>Gets the number of channels C.</summary>
    public int Features { get; }

    /// <summary>Gets ε.</summary>
    public float Epsilon { get; }

    /// <summary>Gets the momentum m of the running estimates.</summary>
    public float Momentum { get; }

    /// <summary>Gets γ (<c>weight</c>), shape (C).</summary>
    public Parameter Weight => _weight;

    /// <summary>Gets β (<c>bias</c>), shape (C).</summary>
    public Parameter Bias => _bias;

    /// <summary>Gets the running mean (PyTorch buffer <c>running_mean</c>), shape (C); a checkpoint may overwrite its values.</summary>
    public Tensor RunningMean { get; }

    /// <summary>Gets the running unbiased variance (PyTorch buffer <c>running_var</c>), shape (C); a checkpoint may overwrite its values.</summary>
    public Tensor RunningVariance { get; }

    /// <summary>Gets or sets how many training batches updated the running estimates (PyTorch buffer <c>num_batches_tracked</c>).</summary>
    public long BatchesTracked { get; set; }

    /// <inheritdoc/>
    public override IReadOnlyList<Parameter> Parameters => _parameters;

    /// <inheritdoc/>
    /// <exception cref="ArgumentException">The shape is not one this layer accepts.</exception>
    public override int[] OutputShape(ReadOnlySpan<int> inputShape)
    {
        CheckShape(inputShape, "inputShape");
        return inputShape.ToArray();
    }

    /// <inheritdoc/>
    /// <exception cref="ArgumentException">The shape is not one this layer accepts, or training mode gets one value per channel.</exception>
    public override Tensor Forward(Tensor input)
    {
        ArgumentNullException.ThrowIfNull(input);
        CheckShape(input.Shape, nameof(input));
        int n = input.Dim(0), channels = Features, spatial = input.Length / (n * channels), count = n * spatial;
        if (IsTraining && count < 2)
        {
            throw new ArgumentException(
                $"{Name}: training needs more than one value per channel but input {Tensor.FormatShape(input.Shape)} has {count}; use a larger batch or evaluation mode.",
                nameof(input));
        }

        _ran = true;
        _forwardWasTraining = IsTraining;
        _output.Resize(input.Shape);
        _normalized.Resize(input.Shape);
        ReadOnlySpan<float> x = input.Span;
        Span<float> xhat = _normalized.Span;
        Span<float> y = _output.Span;
        ReadOnlySpan<float> gamma = _weight.Weights, beta = _bias.Weights;
        Span<float> runningMean = RunningMean.Span, runningVar = RunningVariance.Span;
        for (int c = 0; c < channels; c++)
        {
            double mean, variance;
            if (IsTraining)
            {
                double sum = 0;
                for (int s = 0; s < n; s++)
                {
                    ReadOnlySpan<float> block = x.Slice(((s * channels) + c) * spatial, spatial);
                    for (int i = 0; i < spatial; i++)
                    {
                        sum += block[i];
                    }
                }

                mean = sum / count;
                double squares = 0;
                for (int s = 0; s < n; s++)
                {
                    ReadOnlySpan<float> block = x.Slice(((s * channels) + c) * spatial, spatial);
                    for (int i = 0; i < spatial; i++)
                    {
                        double d = block[i] - mean;
                        squares += d * d;
                    }
                }

                variance = squares / count;
                runningMean[c] = (float)(((1.0 - Momentum) * runningMean[c]) + (Momentum * mean));
                runningVar[c] = (float)(((1.0 - Momentum) * runningVar[c]) + (Momentum * squares / (count - 1)));
            }
            else
            {
                mean = runningMean[c];
                variance = runningVar[c];
            }

            float invStd = (float)(1.0 / Math.Sqrt(variance + Epsilon));
            float m = (float)mean;
            _invStd[c] = invStd;
            for (int s = 0; s < n; s++)
            {
                int offset = ((s * channels) + c) * spatial;
                for (int i = offset; i < offset + spatial; i++)
                {
                    float v = (x[i] - m) * invStd;
                    xhat[i] = v;
                    y[i] = (gamma[c] * v) + beta[c];
                }
            }
        }

        if (IsTraining)
        {
            BatchesTracked++;
        }

        return _output;
    }

    /// <inheritdoc/>
    /// <exception cref="ArgumentException">The gradient's shape differs from the last output's.</exception>
    /// <exception cref="InvalidOperationException">No forward pass has run.</exception>
    public override Tensor? Backward(Tensor outputGradient)
    {
        ArgumentNullException.ThrowIfNull(outputGradient);
        if (!_ran)
        {
            throw new InvalidOperationException($"{Name}: call Forward before Backward.");
        }

        outputGradient.EnsureShape(_output.Shape, nameof(outputGradient));
        int n = _output.Dim(0), channels = Features, spatial = _output.Length / (n * channels), count = n * spatial;
        ReadOnlySpan<float> dy = outputGradient.Span;
        ReadOnlySpan<float> xhat = _normalized.Span;
        ReadOnlySpan<float> gamma = _weight.Weights;
        Span<float> dGamma = _weight.Gradients, dBeta = _bias.Gradients;
        Span<float> dx = default;
        if (NeedsInputGradient)
        {
            _inputGradient.Resize(_output.Shape);
            dx = _inputGradient.Span;
        }

        for (int c = 0; c < channels; c++)
        {
            double sumDy = 0, sumDyXhat = 0;
            for (int s = 0; s < n; s++)
            {
                int offset = ((s * channels) + c) * spatial;
                for (int i = offset; i < offset + spatial; i++)
                {
                    sumDy += dy[i];
                    sumDyXhat += (double)dy[i] * xhat[i];
                }
            }

            dGamma[c] += (float)sumDyXhat;
            dBeta[c] += (float)sumDy;
            if (!NeedsInputGradient)
            {
                continue;
            }

            float scale = gamma[c] * _invStd[c];
            float meanDy = _forwardWasTraining ? (float)(sumDy / count) : 0f;
            float meanDyXhat = _forwardWasTraining ? (float)(sumDyXhat / count) : 0f;
            for (int s = 0; s < n; s++)
            {
                int offset = ((s * channels) + c) * spatial;
                for (int i = offset; i < offset + spatial; i++)
                {
                    dx[i] = scale * (dy[i] - meanDy - (xhat[i] * meanDyXhat));
                }
            }
        }

        return NeedsInputGradient ? _inputGradient : null;
    }

    /// <summary>Checks that a shape is one the layer accepts and that dimension 1 equals <see cref="Features"/>.</summary>
    /// <param name="shape">The input shape.</param>
    /// <param name="paramName">The parameter name used in the error.</param>
    /// <exception cref="ArgumentException">The shape is not accepted.</exception>
    private protected abstract void CheckShape(ReadOnlySpan<int> shape, string paramName);
}
