namespace MLGradientInsight.Trainers.Kernels;

/// <summary>Which implementation computes a matrix product.</summary>
internal enum GemmBackend
{
    /// <summary>The engine's own blocked SIMD kernel (<see cref="ManagedGemm"/>).</summary>
    Managed,

    /// <summary>OpenBLAS <c>cblas_sgemm</c> (<see cref="NativeBlas"/>).</summary>
    OpenBlas,
}
