using MLGradientInsight.Trainers.Data;

namespace MLGradientInsight.Trainers.Checkpoints;

/// <summary>
/// A checkpoint (safetensors) file is malformed or does not fit the model. The message names the
/// file, the tensor and the problem.
/// </summary>
public sealed class CheckpointException : DataFormatException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="filePath">The file.</param>
    /// <param name="tensorName">The tensor concerned, or <see langword="null"/>.</param>
    /// <param name="position">The position in words, or <see langword="null"/>.</param>
    /// <param name="problem">What is wrong and how to fix it.</param>
    /// <param name="innerException">The underlying error, if any.</param>
    public CheckpointException(string filePath, string? tensorName, string? position, string problem, Exception? innerException = null)
        : base(Compose(filePath, tensorName, position, problem), filePath, position, innerException)
    {
        TensorName = tensorName;
    }

    /// <summary>Creates the exception at a byte offset of the file.</summary>
    /// <param name="filePath">The file.</param>
    /// <param name="tensorName">The tensor concerned, or <see langword="null"/>.</param>
    /// <param name="byteOffset">The byte offset from the start of the file.</param>
    /// <param name="problem">What is wrong and how to fix it.</param>
    /// <param name="innerException">The underlying error, if any.</param>
    /// <returns>The exception.</returns>
    public static CheckpointException AtByte(string filePath, string? tensorName, long byteOffset, string problem, Exception? innerException = null) =>
        new(filePath, tensorName, "byte " + byteOffset.ToString(System.Globalization.CultureInfo.InvariantCulture), problem, innerException) { ByteOffset = byteOffset };

    /// <summary>Gets the tensor concerned, or <see langword="null"/> when the problem is not about one tensor.</summary>
    public string? TensorName { get; }

    private static string Compose(string filePath, string? tensorName, string? position, string problem)
    {
        string where = position is null ? string.Empty : ", " + position;
        string tensor = tensorName is null ? string.Empty : $", tensor '{tensorName}'";
        return $"{filePath}{where}{tensor}: {problem}";
    }
}
