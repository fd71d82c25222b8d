namespace MLGradientInsight.Trainers.Data;

/// <summary>
/// An in-memory dataset: features of shape (N, …sample shape) and targets of shape (N) (class
/// indices stored as floats) or (N, k) (regression values).
/// </summary>
public sealed class Dataset
{
    /// <summary>Creates a dataset.</summary>
    /// <param name="name">A name for reports.</param>
    /// <param name="features">Features, dimension 0 = sample.</param>
    /// <param name="targets">Targets, dimension 0 = sample.</param>
    /// <param name="classCount">Number of classes, or 0 for regression targets.</param>
    /// <exception cref="ArgumentException">The sample counts differ, or class targets are out of range.</exception>
    public Dataset(string name, Tensor features, Tensor targets, int classCount)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(features);
        ArgumentNullException.ThrowIfNull(targets);
        ArgumentOutOfRangeException.ThrowIfNegative(classCount);
        if (features.Dim(0) != targets.Dim(0))
        {
            throw new ArgumentException($"Features hold {features.Dim(0)} samples but targets hold {targets.Dim(0)}.", nameof(targets));
        }

        if (classCount > 0)
        {
            if (targets.Rank != 1)
            {
                throw new ArgumentException($"Class targets must have shape (N) but have {Tensor.FormatShape(targets.Shape)}.", nameof(targets));
            }

            ReadOnlySpan<float> t = targets.Span;
            for (int i = 0; i < t.Length; i++)
            {
                if (t[i] != (int)t[i] || t[i] < 0 || t[i] >= classCount)
                {
                    throw new ArgumentException($"Target of sample {i} is {t[i]}; it must be a class index in [0, {classCount}).", nameof(targets));
                }
            }
        }

        Name = name;
        Features = features;
        Targets = targets;
        ClassCount = classCount;
    }

    /// <summary>Gets the name.</summary>
    public string Name { get; }

    /// <summary>Gets the features, shape (N, …).</summary>
    public Tensor Features { get; }

    /// <summary>Gets the targets, shape (N) or (N, k).</summary>
    public Tensor Targets { get; }

    /// <summary>Gets the number of classes, or 0 for regression.</summary>
    public int ClassCount { get; }

    /// <summary>Gets the number of samples.</summary>
    public int Count => Features.Dim(0);

    /// <summary>Gets the shape of one sample.</summary>
    public ReadOnlySpan<int> SampleShape => Features.Shape[1..];

    /// <summary>Gets the number of values in one sample.</summary>
    public int SampleLength => Features.Length / Count;

    /// <summary>Gets the shape of one target (empty for class indices).</summary>
    public ReadOnlySpan<int> TargetShape => Targets.Shape[1..];

    /// <summary>Gets the number of values in one target.</summary>
    public int TargetLength => Targets.Length / Count;

    /// <summary>Copies the samples at <paramref name="indices"/> into batch tensors, resizing them (no allocation once they are large enough).</summary>
    /// <param name="indices">The sample indices.</param>
    /// <param name="features">Receives the features, shape (B, …).</param>
    /// <param name="targets">Receives the targets, shape (B) or (B, k).</param>
    public void CopyBatch(ReadOnlySpan<int> indices, Tensor features, Tensor targets)
    {
        ArgumentNullException.ThrowIfNull(features);
        ArgumentNullException.ThrowIfNull(targets);
        Span<int> shape = stackalloc int[Features.Rank];
        Features.Shape.CopyTo(shape);
        shape[0] = indices.Length;
        features.Resize(shape);
        Span<int> tshape = stackalloc int[Targets.Rank];
        Targets.Shape.CopyTo(tshape);
        tshape[0] = indices.Length;
        targets.Resize(tshape);
        int fl = SampleLength, tl = TargetLength;
        ReadOnlySpan<float> src = Features.Span, tsrc = Targets.Span;
        Span<float> dst = features.Span, tdst = targets.Span;
        for (int i = 0; i < indices.Length; i++)
        {
            src.Slice(indices[i] * fl, fl).CopyTo(dst.Slice(i * fl, fl));
            tsrc.Slice(indices[i] * tl, tl).CopyTo(tdst.Slice(i * tl, tl));
        }
    }

    /// <summary>Returns the samples at the given indices as a new dataset (copies).</summary>
    /// <param name="indices">The sample indices.</param>
    /// <param name="name">The name of the subset.</param>
    /// <returns>The subset.</returns>
    public Dataset Subset(ReadOnlySpan<int> indices, string name)
    {
        var f = new Tensor(1);
        var t = new Tensor(1);
        CopyBatch(indices, f, t);
        return new Dataset(name, f, t, ClassCount);
    }

    /// <summary>Splits off a seeded random fraction as a held-out set.</summary>
    /// <param name="heldOutFraction">The fraction in (0, 1) to hold out.</param>
    /// <param name="seed">The shuffle seed.</param>
    /// <returns>The remaining training part and the held-out part.</returns>
    public (Dataset Train, Dataset HeldOut) Split(double heldOutFraction, int seed)
    {
        if (!(heldOutFraction > 0 && heldOutFraction < 1))
        {
            throw new ArgumentOutOfRangeException(nameof(heldOutFraction), heldOutFraction, "The held-out fraction must be in (0, 1).");
        }

        int[] order = [.. Enumerable.Range(0, Count)];
        new Random(seed).Shuffle(order);
        int held = Math.Clamp((int)Math.Round(Count * heldOutFraction), 1, Count - 1);
        return (Subset(order.AsSpan(held), Name + "/train"), Subset(order.AsSpan(0, held), Name + "/test"));
    }
}
