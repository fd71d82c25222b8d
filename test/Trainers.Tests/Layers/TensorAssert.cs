namespace MLGradientInsight.Trainers.Tests.Layers;

/// <summary>Element-wise comparisons with a relative tolerance and an absolute floor for values near zero.</summary>
internal static class TensorAssert
{
    /// <summary>Float32 parity with PyTorch: |a − e| ≤ rel·|e| + abs.</summary>
    public static void AreClose(Tensor expected, Tensor actual, string what, double relative = 1e-5, double absolute = 1e-6)
    {
        Assert.AreEqual(Tensor.FormatShape(expected.Shape), Tensor.FormatShape(actual.Shape), $"{what}: shape");
        AreClose(expected.Span, actual.Span, what, relative, absolute);
    }

    public static void AreClose(ReadOnlySpan<float> expected, ReadOnlySpan<float> actual, string what, double relative = 1e-5, double absolute = 1e-6)
    {
        Assert.AreEqual(expected.Length, actual.Length, $"{what}: length");
        for (int i = 0; i < expected.Length; i++)
        {
            double e = expected[i], a = actual[i];
            double tolerance = (relative * Math.Abs(e)) + absolute;
            if (!(Math.Abs(a - e) <= tolerance))
            {
                Assert.Fail($"{what}[{i}]: expected {e:R} but got {a:R} (|diff| {Math.Abs(a - e):G3} > {tolerance:G3}).");
            }
        }
    }
}
