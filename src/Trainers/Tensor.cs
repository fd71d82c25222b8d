using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Text;

namespace MLGradientInsight.Trainers;

/// <summary>
/// A dense, row-major float32 tensor. Storage is a managed array that may be larger than the
/// current shape needs, so that layers can reuse one buffer across mini-batches of different sizes
/// without allocating.
/// </summary>
/// <remarks>
/// Element (i0, …, i(r−1)) lives at offset Σ i_k · stride_k with stride_(r−1) = 1 and
/// stride_k = stride_(k+1) · shape_(k+1). A tensor never needs to be disposed.
/// </remarks>
public sealed class Tensor
{
    private float[] _data;
    private int[] _shape;
    private int _length;

    /// <summary>Creates a zero-filled tensor of the given shape.</summary>
    /// <param name="shape">The dimensions; every one must be positive.</param>
    /// <exception cref="ArgumentException">A dimension is zero or negative, or no dimension is given.</exception>
    public Tensor(params int[] shape)
    {
        ArgumentNullException.ThrowIfNull(shape);
        _length = CheckedLength(shape, nameof(shape));
        _shape = (int[])shape.Clone();
        _data = new float[_length];
    }

    /// <summary>Wraps an existing array (no copy) with the given shape.</summary>
    /// <param name="data">The storage; its length must be at least the product of <paramref name="shape"/>.</param>
    /// <param name="shape">The dimensions.</param>
    /// <exception cref="ArgumentException">The array is too short for the shape.</exception>
    public Tensor(float[] data, params int[] shape)
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(shape);
        _length = CheckedLength(shape, nameof(shape));
        if (data.Length < _length)
        {
            throw new ArgumentException(
                $"The array holds {data.Length} values but shape {FormatShape(shape)} needs {_length}.", nameof(data));
        }

        _shape = (int[])shape.Clone();
        _data = data;
    }

    /// <summary>Gets the dimensions, outermost first.</summary>
    public ReadOnlySpan<int> Shape => _shape;

    /// <summary>Gets the number of dimensions.</summary>
    public int Rank => _shape.Length;

    /// <summary>Gets the number of elements (the product of <see cref="Shape"/>).</summary>
    public int Length => _length;

    /// <summary>Gets the elements as a span over the current shape.</summary>
    public Span<float> Span => _data.AsSpan(0, _length);

    /// <summary>Gets the backing array; only the first <see cref="Length"/> values belong to the tensor.</summary>
    internal float[] Buffer => _data;

    /// <summary>Gets dimension <paramref name="axis"/>.</summary>
    /// <param name="axis">The axis, 0 ≤ axis &lt; <see cref="Rank"/>.</param>
    /// <returns>The size of that dimension.</returns>
    public int Dim(int axis) => _shape[axis];

    /// <summary>Gets or sets one element of a rank-2 tensor.</summary>
    /// <param name="row">The row.</param>
    /// <param name="column">The column.</param>
    public float this[int row, int column]
    {
        get => _data[(row * _shape[1]) + column];
        set => _data[(row * _shape[1]) + column] = value;
    }

    /// <summary>Returns the number of elements a shape holds, validating every dimension.</summary>
    /// <param name="shape">The dimensions.</param>
    /// <param name="paramName">The parameter name used in the error.</param>
    /// <returns>The product of the dimensions.</returns>
    /// <exception cref="ArgumentException">A dimension is not positive or the product overflows.</exception>
    public static int CheckedLength(ReadOnlySpan<int> shape, string paramName)
    {
        if (shape.Length == 0)
        {
            throw new ArgumentException("A tensor needs at least one dimension.", paramName);
        }

        long length = 1;
        foreach (int d in shape)
        {
            if (d <= 0)
            {
                throw new ArgumentException($"Shape {FormatShape(shape)} has a dimension {d}; every dimension must be positive.", paramName);
            }

            length *= d;
            if (length > Array.MaxLength)
            {
                throw new ArgumentException($"Shape {FormatShape(shape)} has more elements than one array can hold.", paramName);
            }
        }

        return (int)length;
    }

    /// <summary>
    /// Changes the shape in place, reusing the storage when it is large enough (no allocation when
    /// the rank is unchanged and the capacity suffices). Contents are unspecified afterwards.
    /// </summary>
    /// <param name="shape">The new dimensions.</param>
    public void Resize(ReadOnlySpan<int> shape)
    {
        int length = CheckedLength(shape, nameof(shape));
        if (_shape.Length != shape.Length)
        {
            _shape = shape.ToArray();
        }
        else
        {
            shape.CopyTo(_shape);
        }

        if (_data.Length < length)
        {
            _data = new float[length];
        }

        _length = length;
    }

    /// <summary>Reinterprets the same elements with another shape of equal length (no copy, no allocation when the rank is unchanged).</summary>
    /// <param name="shape">The new dimensions; their product must equal <see cref="Length"/>.</param>
    /// <exception cref="ArgumentException">The element counts differ.</exception>
    public void Reshape(ReadOnlySpan<int> shape)
    {
        int length = CheckedLength(shape, nameof(shape));
        if (length != _length)
        {
            throw new ArgumentException($"Cannot reshape {FormatShape(_shape)} ({_length} values) to {FormatShape(shape)} ({length} values).", nameof(shape));
        }

        if (_shape.Length != shape.Length)
        {
            _shape = shape.ToArray();
        }
        else
        {
            shape.CopyTo(_shape);
        }
    }

    /// <summary>Returns a deep copy with exactly <see cref="Length"/> values of storage.</summary>
    /// <returns>The copy.</returns>
    public Tensor Clone() => new(Span.ToArray(), _shape);

    /// <summary>Sets every element to zero.</summary>
    public void Clear() => Span.Clear();

    /// <summary>Checks that this tensor has the expected shape.</summary>
    /// <param name="expected">The expected dimensions.</param>
    /// <param name="paramName">The parameter name used in the error.</param>
    /// <exception cref="ArgumentException">The shapes differ; the message names both.</exception>
    public void EnsureShape(ReadOnlySpan<int> expected, string paramName)
    {
        if (!Shape.SequenceEqual(expected))
        {
            ThrowShapeMismatch(expected, _shape, paramName);
        }
    }

    /// <summary>Formats a shape as <c>[2, 3, 4]</c>.</summary>
    /// <param name="shape">The dimensions.</param>
    /// <returns>The text.</returns>
    public static string FormatShape(ReadOnlySpan<int> shape)
    {
        var sb = new StringBuilder("[");
        for (int i = 0; i < shape.Length; i++)
        {
            if (i > 0)
            {
                sb.Append(", ");
            }

            sb.Append(shape[i].ToString(CultureInfo.InvariantCulture));
        }

        return sb.Append(']').ToString();
    }

    [DoesNotReturn]
    internal static void ThrowShapeMismatch(ReadOnlySpan<int> expected, ReadOnlySpan<int> actual, string paramName) =>
        throw new ArgumentException($"Expected shape {FormatShape(expected)} but got {FormatShape(actual)}.", paramName);

    /// <inheritdoc/>
    public override string ToString() => $"Tensor{FormatShape(_shape)}";
}
