namespace MLGradientInsight.Trainers.Losses;

/// <summary>A loss with mean reduction over the batch.</summary>
/// <remarks>
/// Targets: for classification losses a tensor of shape (N) holding class indices as floats; for
/// regression losses a tensor of the prediction's shape. <see cref="Backward"/> returns dL/d(prediction)
/// of the last <see cref="Forward"/>, in a buffer owned by the loss.
/// </remarks>
public abstract class Loss
{
    /// <summary>Gets whether targets are class indices.</summary>
    public abstract bool IsClassification { get; }

    /// <summary>Computes the mean loss of a batch and caches what the backward pass needs.</summary>
    /// <param name="prediction">The model output, shape (N, …).</param>
    /// <param name="target">The targets.</param>
    /// <returns>The mean loss.</returns>
    public abstract float Forward(Tensor prediction, Tensor target);

    /// <summary>Returns dL/d(prediction) for the last <see cref="Forward"/>.</summary>
    /// <returns>The gradient, owned by the loss.</returns>
    public abstract Tensor Backward();

    /// <summary>Counts correct predictions (argmax = target) in the last batch; 0 for regression losses unless overridden.</summary>
    /// <param name="prediction">The model output.</param>
    /// <param name="target">The targets.</param>
    /// <returns>The number of correct samples.</returns>
    public virtual int CountCorrect(Tensor prediction, Tensor target) => 0;

    /// <summary>Reads a class index from a float target, validating it.</summary>
    /// <param name="value">The target value.</param>
    /// <param name="classes">The number of classes.</param>
    /// <param name="sample">The sample index, for the message.</param>
    /// <returns>The index.</returns>
    /// <exception cref="ArgumentException">The value is not an integer in [0, classes).</exception>
    protected static int ClassIndex(float value, int classes, int sample)
    {
        int label = (int)value;
        if (label != value || label < 0 || label >= classes)
        {
            throw new ArgumentException($"Target of sample {sample} is {value}; class targets must be integers in [0, {classes}).", "target");
        }

        return label;
    }

    /// <summary>Index of the largest value of a row (first on ties).</summary>
    /// <param name="row">The row.</param>
    /// <returns>The index.</returns>
    protected static int ArgMax(ReadOnlySpan<float> row) => System.Numerics.Tensors.TensorPrimitives.IndexOfMax(row);

    /// <summary>Counts rows whose argmax equals the target class.</summary>
    /// <param name="prediction">(N, C) scores.</param>
    /// <param name="target">(N) class indices.</param>
    /// <returns>The count.</returns>
    /// <exception cref="ArgumentException">The shapes do not match.</exception>
    private protected static int CountArgMaxCorrect(Tensor prediction, Tensor target)
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
