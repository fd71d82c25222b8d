namespace MLGradientInsight.Trainers.Losses;

/// <summary>
/// Negative log-likelihood on log-probabilities, as <c>nn.NLLLoss</c> (mean reduction, no class weights);
/// put a <see cref="Layers.LogSoftmax"/> before it.
/// </summary>
/// <remarks>L = −(1/N) Σ_i x_(i, y_i); dL/dx_ic = −[c = y_i] / N.</remarks>
public sealed class NllLoss : Loss
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
            throw new ArgumentException($"NLL loss needs log-probabilities of shape (N, C) but got {Tensor.FormatShape(prediction.Shape)}.", nameof(prediction));
        }

        int n = prediction.Dim(0), classes = prediction.Dim(1);
        target.EnsureShape([n], nameof(target));
        _gradient.Resize([n, classes]);
        Span<float> g = _gradient.Span;
        g.Clear();
        ReadOnlySpan<float> x = prediction.Span;
        ReadOnlySpan<float> t = target.Span;
        double total = 0;
        float step = -1f / n;
        for (int i = 0; i < n; i++)
        {
            int label = ClassIndex(t[i], classes, i);
            total -= x[(i * classes) + label];
            g[(i * classes) + label] = step;
        }

        return (float)(total / n);
    }

    /// <inheritdoc/>
    public override Tensor Backward() => _gradient;

    /// <inheritdoc/>
    public override int CountCorrect(Tensor prediction, Tensor target) => CountArgMaxCorrect(prediction, target);

    /// <summary>Counts rows whose argmax equals the target class.</summary>
    /// <param name="prediction">(N, C) scores.</param>
    /// <param name="target">(N) class indices.</param>
    /// <returns>The count.</returns>
    /// <exception cref="ArgumentException">The shapes do not match.</exception>
    internal static int CountArgMaxCorrect(Tensor prediction, Tensor target)
    {
        ArgumentNullException.ThrowIfNull(prediction);
        ArgumentNullException.ThrowIfNull(target);
        if (prediction.Rank != 2)
        {
            throw new ArgumentException($"Expected scores of shape (N, C) but got {Tensor.FormatShape(prediction.Shape)}.", nameof(prediction));
        }

        int n = prediction.Dim(0), classes = prediction.Dim(1), correct = 0;
        target.EnsureShape([n], nameof(target));
        ReadOnlySpan<float> x = prediction.Span;
        ReadOnlySpan<float> t = target.Span;
        for (int i = 0; i < n; i++)
        {
            if (ArgMax(x.Slice(i * classes, classes)) == t[i])
            {
                correct++;
            }
        }

        return correct;
    }
}
