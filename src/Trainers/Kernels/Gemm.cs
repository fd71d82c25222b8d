namespace MLGradientInsight.Trainers.Kernels;

/// <summary>
/// General matrix multiply on row-major float32 matrices, as BLAS <c>sgemm</c> with <c>CblasRowMajor</c>.
/// </summary>
/// <remarks>
/// <para>C ← α·op(A)·op(B) + β·C, op(A) is m×k, op(B) is k×n, C is m×n. When β = 0, C is not read (NaN in C does not propagate).
/// When α = 0 or k = 0, A and B are not read and C ← β·C, as in reference BLAS. C must not overlap A or B.</para>
/// <para>Backend: OpenBLAS (<c>cblas_sgemm</c>, loaded at run time) when <see cref="EngineSettings.UseNativeBlas"/> is set and
/// the library is present, except on shapes where the managed kernel measured faster (at most 16 rows by at least
/// 4096 columns: convolution im2col products); otherwise the engine's cache-blocked SIMD kernel, using up to
/// <see cref="EngineSettings.MaxDegreeOfParallelism"/> threads.
/// See <see cref="EngineSettings"/> for the <c>MLGI_BLAS</c> environment variable and determinism.</para>
/// </remarks>
public static class Gemm
{
    /// <summary>Products with at most this many rows and at least <see cref="ShortWideColumns"/> columns run on the managed kernel.</summary>
    /// <remarks>These are the im2col products of convolution layers (few filters, batch × positions columns). OpenBLAS 0.3.21
    /// packs all of B for them; the managed kernel reads B in place. Measured on one core: 6×57600×9 about 8× and
    /// 16×10816×54 about 1.2× faster managed, while OpenBLAS stays ahead on narrower ones (6×3600×9: 1.4×).</remarks>
    internal const int ShortWideRows = 16;

    /// <summary>See <see cref="ShortWideRows"/>.</summary>
    internal const int ShortWideColumns = 4096;

    /// <summary>Computes C ← α·op(A)·op(B) + β·C.</summary>
    /// <param name="transposeA">Use Aᵀ (A stored k×m).</param>
    /// <param name="transposeB">Use Bᵀ (B stored n×k).</param>
    /// <param name="m">Rows of op(A) and C.</param>
    /// <param name="n">Columns of op(B) and C.</param>
    /// <param name="k">Columns of op(A), rows of op(B).</param>
    /// <param name="alpha">Scale of the product.</param>
    /// <param name="a">A, row-major with leading dimension <paramref name="lda"/>.</param>
    /// <param name="lda">Row stride of A.</param>
    /// <param name="b">B, row-major with leading dimension <paramref name="ldb"/>.</param>
    /// <param name="ldb">Row stride of B.</param>
    /// <param name="beta">Scale of the existing C.</param>
    /// <param name="c">C, row-major with leading dimension <paramref name="ldc"/>.</param>
    /// <param name="ldc">Row stride of C.</param>
    /// <exception cref="ArgumentOutOfRangeException">A dimension is negative, or a leading dimension is smaller than the row it strides over (or than 1).</exception>
    /// <exception cref="ArgumentException">A span is shorter than the matrix its dimensions and leading dimension describe.</exception>
    public static void Multiply(
        bool transposeA, bool transposeB, int m, int n, int k, float alpha,
        ReadOnlySpan<float> a, int lda, ReadOnlySpan<float> b, int ldb, float beta, Span<float> c, int ldc)
    {
        int threads = EngineSettings.MaxDegreeOfParallelism;
        GemmBackend backend = EngineSettings.UseNativeBlas && PrefersNative(m, n, k, threads) && NativeBlas.IsAvailable
            && (EngineSettings.ForceNativeBlas || !NativeBlas.RunsGenericKernels)
            ? GemmBackend.OpenBlas
            : GemmBackend.Managed;
        MultiplyOn(backend, GemmKernel.Auto, threads, transposeA, transposeB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
    }

    /// <summary>
    /// <see cref="Multiply"/>
    /// on a chosen backend, ignoring <see cref="EngineSettings"/> (tests and benchmarks call this so they need no global state).
    /// </summary>
    /// <param name="backend">The backend; <see cref="GemmBackend.OpenBlas"/> requires <see cref="NativeBlas.IsAvailable"/>.</param>
    /// <param name="kernel">The managed micro-kernel (managed backend only).</param>
    /// <param name="maxDegreeOfParallelism">Most threads of the managed backend.</param>
    /// <param name="transposeA">Use Aᵀ.</param>
    /// <param name="transposeB">Use Bᵀ.</param>
    /// <param name="m">Rows of C.</param>
    /// <param name="n">Columns of C.</param>
    /// <param name="k">Inner dimension.</param>
    /// <param name="alpha">Scale of the product.</param>
    /// <param name="a">A.</param>
    /// <param name="lda">Row stride of A.</param>
    /// <param name="b">B.</param>
    /// <param name="ldb">Row stride of B.</param>
    /// <param name="beta">Scale of C; 0 means C is not read.</param>
    /// <param name="c">C.</param>
    /// <param name="ldc">Row stride of C.</param>
    internal static void MultiplyOn(
        GemmBackend backend, GemmKernel kernel, int maxDegreeOfParallelism,
        bool transposeA, bool transposeB, int m, int n, int k, float alpha,
        ReadOnlySpan<float> a, int lda, ReadOnlySpan<float> b, int ldb, float beta, Span<float> c, int ldc)
    {
        Validate(transposeA, transposeB, m, n, k, a.Length, lda, b.Length, ldb, c.Length, ldc);
        if (m == 0 || n == 0)
        {
            return;
        }

        // k = 0 and α = 0 (C ← β·C, A and B unread) stay managed: CBLAS libraries differ on whether they read C then.
        if (backend == GemmBackend.OpenBlas && k != 0 && alpha != 0)
        {
            NativeBlas.Sgemm(transposeA, transposeB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
            return;
        }

        ManagedGemm.Multiply(transposeA, transposeB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc, maxDegreeOfParallelism, kernel);
    }

    /// <summary>
    /// Whether OpenBLAS is expected to beat the managed kernel on this shape (always true under <c>MLGI_BLAS=openblas</c>).
    /// </summary>
    /// <remarks>
    /// <para>Measured on one AVX-512 core (CPU time, Xeon @ 2.5 GHz, OpenBLAS 0.3.21 SkylakeX): OpenBLAS wins on small products
    /// (16³: 0.18 vs 0.8 µs; 64×10×84: 2.1 vs 8 µs; its call overhead is tiny and it has dedicated small-matrix kernels) and on
    /// big square ones (512³: about 1.3×); the two are level on the MLP and fully connected shapes (64×256×784, 64×120×576,
    /// 64×784×256: within ±10%); the managed kernel wins on few-row, very wide products (see <see cref="ShortWideRows"/>),
    /// the only ones kept off OpenBLAS by shape.
    /// </para>
    /// <para>OpenBLAS runs on one thread (see <see cref="NativeBlas"/>), so with more than one thread allowed a product big enough
    /// to split (<see cref="ManagedGemm.ParallelThreshold"/> multiply-adds) goes to the managed kernel, which splits it.</para>
    /// </remarks>
    /// <param name="m">Rows of C.</param>
    /// <param name="n">Columns of C.</param>
    /// <param name="k">Inner dimension.</param>
    /// <param name="threads">Most threads allowed.</param>
    /// <returns>True to call OpenBLAS.</returns>
    internal static bool PrefersNative(int m, int n, int k, int threads) =>
        EngineSettings.ForceNativeBlas
        || ((m > ShortWideRows || n < ShortWideColumns) && (threads == 1 || ((long)m * n * k) < ManagedGemm.ParallelThreshold));

    /// <summary>Checks dimensions, leading dimensions and span lengths as CBLAS does, but by throwing.</summary>
    /// <param name="transposeA">Use Aᵀ.</param>
    /// <param name="transposeB">Use Bᵀ.</param>
    /// <param name="m">Rows of C.</param>
    /// <param name="n">Columns of C.</param>
    /// <param name="k">Inner dimension.</param>
    /// <param name="aLength">Length of A.</param>
    /// <param name="lda">Row stride of A.</param>
    /// <param name="bLength">Length of B.</param>
    /// <param name="ldb">Row stride of B.</param>
    /// <param name="cLength">Length of C.</param>
    /// <param name="ldc">Row stride of C.</param>
    internal static void Validate(
        bool transposeA, bool transposeB, int m, int n, int k, int aLength, int lda, int bLength, int ldb, int cLength, int ldc)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(m);
        ArgumentOutOfRangeException.ThrowIfNegative(n);
        ArgumentOutOfRangeException.ThrowIfNegative(k);
        CheckMatrix("a", transposeA ? k : m, transposeA ? m : k, aLength, lda, "lda", transposeA ? "k×m (Aᵀ)" : "m×k");
        CheckMatrix("b", transposeB ? n : k, transposeB ? k : n, bLength, ldb, "ldb", transposeB ? "n×k (Bᵀ)" : "k×n");
        CheckMatrix("c", m, n, cLength, ldc, "ldc", "m×n");
    }

    private static void CheckMatrix(string name, int rows, int cols, int length, int ld, string ldName, string layout)
    {
        if (ld < Math.Max(1, cols))
        {
            throw new ArgumentOutOfRangeException(
                ldName, ld, $"{ldName} = {ld} is smaller than the {cols} columns of {name} stored {layout} = {rows}×{cols}; it must be at least max(1, {cols}).");
        }

        long needed = rows == 0 || cols == 0 ? 0 : ((long)(rows - 1) * ld) + cols;
        if (length < needed)
        {
            throw new ArgumentException(
                $"{name} holds {length} values but a {rows}×{cols} matrix ({layout}) with row stride {ldName} = {ld} needs {needed}.", name);
        }
    }
}
