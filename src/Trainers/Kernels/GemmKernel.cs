namespace MLGradientInsight.Trainers.Kernels;

/// <summary>The register micro-kernel used by <see cref="ManagedGemm"/>.</summary>
internal enum GemmKernel
{
    /// <summary>The widest one the hardware accelerates.</summary>
    Auto,

    /// <summary>8×32 tile of <see cref="System.Runtime.Intrinsics.Vector512{T}"/> accumulators with fused multiply-add (AVX-512).</summary>
    Vector512,

    /// <summary>6×16 tile of <see cref="System.Runtime.Intrinsics.Vector256{T}"/> accumulators (AVX2 + FMA).</summary>
    Vector256,

    /// <summary>4×4 tile of scalar accumulators, for hardware without 256/512-bit SIMD.</summary>
    Scalar,
}
