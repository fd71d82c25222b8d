using System.Numerics.Tensors;

namespace MLGradientInsight.Trainers.Losses;

/// <summary>
/// Softmax cross-entropy on logits, as <c>nn.CrossEntropyLoss</c> (mean reduction).
/// </summary>
/// <remarks>
/// L = (1/N) Σ_i [log Σ_c exp(z_ic − m_i) − (z_(i,y_i) − m_i)], m_i = max_c z_ic (numerically stable);
/// dL/dz_ic = (softmax(z_i)_c − [c = y_i]) / N.
/// </remarks>
public sealed class SoftmaxCrossEntropyLoss : Loss
{
    private readonly Tensor _gradient = new(1, 1);

    /// <inheritdoc/>
    public override bool IsClassification => true;

    /// <inheritdoc/>
    /// <exception cref="ArgumentException">The prediction is not (N, C), the target is not (N), or a target is not a class index.</exception>
    public override float Forward(Tensor prediction, Tensor target)
    {
        ArgumentNullException.ThrowIfNull(prediction);
        ArgumentNullException.ThrowIfNull(target);
        if (prediction.Rank != 2)
        {
            throw new ArgumentException($"Cross-entropy needs logits of shape (N, C) but got {Tensor.FormatShape(prediction.Shape)}.", nameof(prediction));
        }

        int n = prediction.Dim(0), classes = prediction.Dim(1);
        target.EnsureShape([n], nameof(target));
        _gradient.Resize([n, classes]);
        ReadOnlySpan<float> z = prediction.Span;
        ReadOnlySpan<float> t = target.Span;
        Span<float> g = _gradient.Span;
        double total = 0;
        float invN = 1f / n;
        for (int i = 0; i < n; i++)
        {
            ReadOnlySpan<float> row = z.Slice(i * classes, classes);
            Span<float> grow = g.Slice(i * classes, classes);
            int label = ClassIndex(t[i], classes, i);
            float max = TensorPrimitives.Max(row);
            TensorPrimitives.Subtract(row, max, grow);
            TensorPrimitives.Exp(grow, grow);
            float sum = TensorPrimitives.Sum(grow);
            total += Math.Log(sum) - (row[label] - max);
            TensorPrimitives.Multiply(grow, invN / sum, grow);
            grow[label] -= invN;
        }

        return (float)(total / n);
    }

    /// <inheritdoc/>
    public override Tensor Backward() => _gradient;

    /// <inheritdoc/>
    /// <exception cref="ArgumentException">The shapes do not match.</exception>
    public override int CountCorrect(Tensor prediction, Tensor target) => NllLoss.CountArgMaxCorrect(prediction, target);
}
