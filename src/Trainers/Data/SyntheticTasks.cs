namespace MLGradientInsight.Trainers.Data;

/// <summary>
/// Seeded synthetic tasks: the curve task of the trajectory article (001), two spirals and
/// Gaussian blobs. The same arguments always give the same dataset.
/// </summary>
public static class SyntheticTasks
{
    /// <summary>
    /// The default curve of <see cref="Curve(int, int, Func{double, double}?)"/>:
    /// f(x) = 8x⁴ − 2x². It passes through the origin, has two minima f(±1/√8) = −1/8 at
    /// x ≈ ±0.354 and rises back to 0 at the edges x = ±0.5 (the "graph with two minima" of 001).
    /// </summary>
    /// <param name="x">The abscissa.</param>
    /// <returns>f(x).</returns>
    public static double CurveFunction(double x)
    {
        double x2 = x * x;
        return (8 * x2 * x2) - (2 * x2);
    }

    /// <summary>
    /// The curve task of 001: points (x, y) uniform in [−0.5, 0.5]², target +1 when the point lies
    /// above the curve y = f(x), −1 below and 0 exactly on it.
    /// </summary>
    /// <remarks>
    /// As in the article's network the input has a constant third component 1 (the bias input),
    /// so features are (x, y, 1), shape (N, 3); targets are regression values, shape (N, 1), meant
    /// for a tanh output and mean-squared error. With the default curve a fraction
    /// 0.5 + 1/15 ≈ 0.567 of the square lies above the curve.
    /// </remarks>
    /// <param name="count">The number of points.</param>
    /// <param name="seed">The random seed.</param>
    /// <param name="curve">The curve f, or <see langword="null"/> for <see cref="CurveFunction"/>.</param>
    /// <returns>The dataset (regression, no classes).</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="count"/> is not positive.</exception>
    public static Dataset Curve(int count, int seed, Func<double, double>? curve = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(count);
        curve ??= CurveFunction;
        var rng = new Random(seed);
        var features = new Tensor(count, 3);
        var targets = new Tensor(count, 1);
        Span<float> f = features.Span, t = targets.Span;
        for (int i = 0; i < count; i++)
        {
            float x = (float)(rng.NextDouble() - 0.5);
            float y = (float)(rng.NextDouble() - 0.5);
            f[3 * i] = x;
            f[(3 * i) + 1] = y;
            f[(3 * i) + 2] = 1f;
            t[i] = Math.Sign(y - curve(x));
        }

        return new Dataset("curve", features, targets, 0);
    }

    /// <summary>
    /// Two interleaved spirals (class 0 and class 1, alternating samples so the classes differ in
    /// size by at most one). Features (N, 2), roughly in [−1, 1]²; targets class indices (N).
    /// </summary>
    /// <remarks>
    /// Sample i of class 0 is at angle θ = π/2 + 3π·u (u uniform in [0, 1]) and radius r = θ / (3.5π),
    /// (r·cos θ, r·sin θ); class 1 is the same point mirrored through the origin. Each coordinate
    /// then gets Gaussian noise with standard deviation <paramref name="noise"/>.
    /// </remarks>
    /// <param name="count">The number of points.</param>
    /// <param name="seed">The random seed.</param>
    /// <param name="noise">The noise standard deviation (≥ 0).</param>
    /// <returns>The dataset (2 classes).</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="count"/> is not positive or <paramref name="noise"/> is negative.</exception>
    public static Dataset TwoSpirals(int count, int seed, double noise = 0.0)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(count);
        if (!(noise >= 0) || !double.IsFinite(noise))
        {
            throw new ArgumentOutOfRangeException(nameof(noise), noise, "The noise must be a finite value ≥ 0.");
        }

        var rng = new Random(seed);
        var features = new Tensor(count, 2);
        var targets = new Tensor(count);
        for (int i = 0; i < count; i++)
        {
            int label = i % 2;
            double theta = (Math.PI / 2) + (3 * Math.PI * rng.NextDouble());
            double r = theta / (3.5 * Math.PI);
            double sign = label == 0 ? 1 : -1;
            features[i, 0] = (float)((sign * r * Math.Cos(theta)) + (noise * NextGaussian(rng)));
            features[i, 1] = (float)((sign * r * Math.Sin(theta)) + (noise * NextGaussian(rng)));
            targets.Span[i] = label;
        }

        return new Dataset("two-spirals", features, targets, 2);
    }

    /// <summary>
    /// Gaussian blobs: <paramref name="classes"/> centres drawn uniformly from [−3, 3]^dims, and
    /// sample i of class i mod classes drawn from N(centre, spread²·I). Features (N, dims);
    /// targets class indices (N), class sizes differ by at most one.
    /// </summary>
    /// <param name="count">The number of points.</param>
    /// <param name="classes">The number of classes (≥ 2).</param>
    /// <param name="seed">The random seed.</param>
    /// <param name="dims">The number of features.</param>
    /// <param name="spread">The standard deviation of each blob (≥ 0).</param>
    /// <returns>The dataset.</returns>
    /// <exception cref="ArgumentOutOfRangeException">An argument is out of range.</exception>
    public static Dataset GaussianBlobs(int count, int classes, int seed, int dims = 2, double spread = 0.5)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(count);
        ArgumentOutOfRangeException.ThrowIfLessThan(classes, 2);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(dims);
        if (!(spread >= 0) || !double.IsFinite(spread))
        {
            throw new ArgumentOutOfRangeException(nameof(spread), spread, "The spread must be a finite value ≥ 0.");
        }

        var rng = new Random(seed);
        double[] centres = new double[classes * dims];
        for (int i = 0; i < centres.Length; i++)
        {
            centres[i] = (6 * rng.NextDouble()) - 3;
        }

        var features = new Tensor(count, dims);
        var targets = new Tensor(count);
        Span<float> f = features.Span;
        for (int i = 0; i < count; i++)
        {
            int label = i % classes;
            for (int d = 0; d < dims; d++)
            {
                f[(i * dims) + d] = (float)(centres[(label * dims) + d] + (spread * NextGaussian(rng)));
            }

            targets.Span[i] = label;
        }

        return new Dataset("gaussian-blobs", features, targets, classes);
    }

    /// <summary>A standard normal sample (Box–Muller).</summary>
    private static double NextGaussian(Random rng)
    {
        double u1 = 1.0 - rng.NextDouble(); // (0, 1]
        double u2 = rng.NextDouble();
        return Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2);
    }
}
