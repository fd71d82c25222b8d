namespace MLGradientInsight.Trainers.Layers;

/// <summary>Batch normalisation of (N, C) or (N, C, L) batches over N (and L), as <c>nn.BatchNorm1d</c>; see <see cref="BatchNorm"/>.</summary>
public sealed class BatchNorm1d : BatchNorm
{
    /// <summary>Creates the layer with γ = 1, β = 0, running mean 0 and running variance 1.</summary>
    /// <param name="name">The layer name (<c>bn1</c>).</param>
    /// <param name="features">The number of features C.</param>
    /// <param name="epsilon">ε added to the variance.</param>
    /// <param name="momentum">The weight of the batch statistic in the running estimates.</param>
    /// <exception cref="ArgumentOutOfRangeException">C is not positive, ε is negative, or the momentum is outside [0, 1].</exception>
    public BatchNorm1d(string name, int features, float epsilon = 1e-5f, float momentum = 0.1f)
        : base(name, features, epsilon, momentum)
    {
    }

    /// <inheritdoc/>
    private protected override void CheckShape(ReadOnlySpan<int> shape, string paramName)
    {
        if ((shape.Length != 2 && shape.Length != 3) || shape[1] != Features)
        {
            throw new ArgumentException($"{Name}: expected input of shape (N, {Features}) or (N, {Features}, L) but got {Tensor.FormatShape(shape)}.", paramName);
        }
    }
}
