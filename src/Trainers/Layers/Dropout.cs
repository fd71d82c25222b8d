using System.Numerics.Tensors;

namespace MLGradientInsight.Trainers.Layers;

/// <summary>Inverted dropout, as <c>nn.Dropout</c>: in training each element is zeroed with probability p and the kept ones are scaled by 1/(1 − p); in evaluation the layer is the identity.</summary>
/// <remarks>The mask comes from the <see cref="Random"/> passed in, so runs with the same seed drop the same elements. Backward multiplies by the same mask.</remarks>
public sealed class Dropout : Module
{
    private readonly Random _random;
    private readonly Tensor _output = new(1);
    private readonly Tensor _mask = new(1);
    private readonly Tensor _inputGradient = new(1);
    private bool _maskApplied;
    private bool _ran;

    /// <summary>Creates the layer.</summary>
    /// <param name="name">The layer name.</param>
    /// <param name="probability">The drop probability p, 0 ≤ p ≤ 1.</param>
    /// <param name="random">The seeded random source for the masks.</param>
    /// <exception cref="ArgumentOutOfRangeException">p is outside [0, 1].</exception>
    public Dropout(string name, float probability, Random random)
        : base(name)
    {
        ArgumentNullException.ThrowIfNull(random);
        if (!(probability >= 0f && probability <= 1f))
        {
            throw new ArgumentOutOfRangeException(nameof(probability), probability, "The drop probability must be in [0, 1].");
        }

        Probability = probability;
        _random = random;
    }

    /// <summary>Gets the drop probability p.</summary>
    public float Probability { get; }

    /// <inheritdoc/>
    public override int[] OutputShape(ReadOnlySpan<int> inputShape) => inputShape.ToArray();

    /// <inheritdoc/>
    public override Tensor Forward(Tensor input)
    {
        ArgumentNullException.ThrowIfNull(input);
        _ran = true;
        _output.Resize(input.Shape);
        _maskApplied = IsTraining && Probability > 0f;
        if (!_maskApplied)
        {
            input.Span.CopyTo(_output.Span);
            return _output;
        }

        _mask.Resize(input.Shape);
        Span<float> mask = _mask.Span;
        double p = Probability;
        float scale = Probability >= 1f ? 0f : 1f / (1f - Probability);
        for (int i = 0; i < mask.Length; i++)
        {
            mask[i] = _random.NextDouble() < p ? 0f : scale;
        }

        TensorPrimitives.Multiply(input.Span, mask, _output.Span);
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
        if (!NeedsInputGradient)
        {
            return null;
        }

        _inputGradient.Resize(_output.Shape);
        if (_maskApplied)
        {
            TensorPrimitives.Multiply(outputGradient.Span, _mask.Span, _inputGradient.Span);
        }
        else
        {
            outputGradient.Span.CopyTo(_inputGradient.Span);
        }

        return _inputGradient;
    }
}
