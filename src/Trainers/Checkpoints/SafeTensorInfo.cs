namespace MLGradientInsight.Trainers.Checkpoints;

/// <summary>How one tensor is stored in a safetensors file.</summary>
/// <param name="Name">The tensor name.</param>
/// <param name="DType">The stored element type (<c>F32</c>, <c>F64</c>, <c>F16</c>, <c>BF16</c>, <c>I64</c>, …).</param>
/// <param name="Shape">The stored shape; empty for a scalar (loaded as shape [1]).</param>
/// <param name="Begin">The first byte, relative to the start of the data buffer.</param>
/// <param name="End">One past the last byte, relative to the start of the data buffer.</param>
public sealed record SafeTensorInfo(string Name, string DType, IReadOnlyList<int> Shape, long Begin, long End);
