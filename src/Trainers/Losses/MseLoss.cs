using System.Numerics.Tensors;

namespace MLGradientInsight.Trainers.Losses;

/// <summary>Mean squared error over every element, as <c>nn.MSELoss</c> (mean reduction).</summary>
/// <remarks>L = (1/K) Σ_j (p_j − t_j)², K = number of elements; dL/dp_j = 2(p_j − t_j)/K.</remarks>
public sealed class MseLoss : Loss
{
    private readonly Tensor _gradient = new(1);

    /// <inheritdoc/>
    public override bool IsClassification => false;

    /// <inheritdoc/>
    /// <exception cref="ArgumentException">The target's shape differs from the prediction's.</exception>
    public override float Forward(Tensor prediction, Tensor target)
    {
        ArgumentNullException.ThrowIfNull(prediction);
        ArgumentNullException.ThrowIfNull(target);
        target.EnsureShape(prediction.Shape, nameof(target));
        _gradient.Resize(prediction.Shape);
        Span<float> g = _gradient.Span;
        TensorPrimitives.Subtract(prediction.Span, target.Span, g);
        double total = 0;
        foreach (float d in g)
        {
            total += (double)d * d;
        }

        int count = prediction.Length;
        TensorPrimitives.Multiply(g, 2f / count, g);
        return (float)(total / count);
    }

    /// <inheritdoc/>
    public override Tensor Backward() => _gradient;
}
