using System.Numerics.Tensors;
using MLGradientInsight.Analyses.Evaluation;

namespace MLGradientInsight.Analyses.Trajectory;

/// <summary>
/// The "kraidiky" picture of 001: every weight wᵢ gets a seeded random unit vector vᵢ in the plane, and a state of the
/// model is drawn at the point Σᵢ wᵢ·vᵢ (optionally Σᵢ sᵢ·wᵢ·vᵢ with a per-weight scale sᵢ, 001 UPD 2).
/// </summary>
/// <remarks>
/// Memory is O(P): the two coordinates of every vᵢ (angle uniform in [0, 2π), drawn in tensor order from a
/// stream derived from the seed (not <c>new Random(seed)</c>, which initialised the weights), so the same seed and layout give the same vectors). Projecting a state costs two dot
/// products per tensor and allocates nothing.
/// </remarks>
public sealed class RandomPlaneProjection
{
    private readonly float[][] _x;
    private readonly float[][] _y;

    /// <summary>Creates the projection for tensors of the given lengths.</summary>
    /// <param name="tensorLengths">The length of each projected tensor, in a fixed order.</param>
    /// <param name="seed">The seed of the random directions.</param>
    /// <param name="scales">Per-weight scales sᵢ (one array per tensor, same lengths), or null for 1.</param>
    /// <exception cref="ArgumentException">A scale array has the wrong length or holds a non-finite value.</exception>
    public RandomPlaneProjection(IReadOnlyList<int> tensorLengths, int seed, IReadOnlyList<float[]>? scales = null)
    {
        ArgumentNullException.ThrowIfNull(tensorLengths);
        if (scales is not null && scales.Count != tensorLengths.Count)
        {
            throw new ArgumentException($"Give one scale array per tensor: {tensorLengths.Count} tensors, {scales.Count} scale arrays.", nameof(scales));
        }

        var random = SeedStreams.Create(seed, "plane");
        _x = new float[tensorLengths.Count][];
        _y = new float[tensorLengths.Count][];
        for (int t = 0; t < tensorLengths.Count; t++)
        {
            int n = tensorLengths[t];
            ArgumentOutOfRangeException.ThrowIfNegative(n);
            _x[t] = new float[n];
            _y[t] = new float[n];
            float[]? s = scales?[t];
            if (s is not null && s.Length != n)
            {
                throw new ArgumentException($"Scale array {t} has {s.Length} values but its tensor has {n}.", nameof(scales));
            }

            for (int i = 0; i < n; i++)
            {
                double angle = random.NextDouble() * 2 * Math.PI;
                float scale = s?[i] ?? 1f;
                if (!float.IsFinite(scale))
                {
                    throw new ArgumentException(FormattableString.Invariant($"Scale array {t} holds a non-finite value ({scale}) at index {i}."), nameof(scales));
                }

                _x[t][i] = (float)Math.Cos(angle) * scale;
                _y[t][i] = (float)Math.Sin(angle) * scale;
            }
        }

        ParameterCount = tensorLengths.Sum(n => (long)n);
    }

    /// <summary>Gets the number of projected weights P.</summary>
    public long ParameterCount { get; }

    /// <summary>Gets the number of tensors.</summary>
    public int TensorCount => _x.Length;

    /// <summary>Gets the (scaled) direction of one weight.</summary>
    /// <param name="tensor">The tensor index.</param>
    /// <param name="index">The index within the tensor.</param>
    /// <returns>sᵢ·vᵢ.</returns>
    public (float X, float Y) Direction(int tensor, int index) => (_x[tensor][index], _y[tensor][index]);

    /// <summary>Adds one tensor's contribution Σ sᵢ·wᵢ·vᵢ.</summary>
    /// <param name="tensor">The tensor index.</param>
    /// <param name="weights">The tensor's current values.</param>
    /// <returns>The contribution (x, y).</returns>
    /// <exception cref="ArgumentException"><paramref name="weights"/> has the wrong length.</exception>
    public (double X, double Y) ProjectTensor(int tensor, ReadOnlySpan<float> weights)
    {
        if (weights.Length != _x[tensor].Length)
        {
            throw new ArgumentException($"Tensor {tensor} has {_x[tensor].Length} projected weights but {weights.Length} values were given.", nameof(weights));
        }

        return (TensorPrimitives.Dot(weights, _x[tensor]), TensorPrimitives.Dot(weights, _y[tensor]));
    }
}
