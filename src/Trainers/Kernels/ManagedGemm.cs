using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace MLGradientInsight.Trainers.Kernels;

/// <summary>
/// The engine's own single-precision GEMM: cache-blocked, packed panels, a register-tile SIMD micro-kernel, parallel over output blocks.
/// </summary>
/// <remarks>
/// <para>
/// Layout follows Goto and van de Geijn ("Anatomy of high-performance matrix multiplication", 2008), transposed for
/// row-major C: vectors run along the columns of C, so the micro-kernel keeps an MR×NR tile of C in registers and, for
/// each of <see cref="KC"/> steps, loads NR values of one packed row of op(B) and broadcasts MR values of one packed
/// column of op(A). Packing absorbs the transposes, so one kernel serves all four combinations.
/// </para>
/// <para>
/// Determinism: the sum over k is split into fixed blocks of <see cref="KC"/> and the tile grid is anchored at (0, 0),
/// so each element of C sees the same operations in the same order whatever the number of threads;
/// threads only share out whole output blocks. Results are therefore bit-identical for any degree of parallelism.
/// </para>
/// <para>
/// Memory: packing buffers (≈ 330 KB) are allocated once per thread on the pinned heap and reused, so a single-threaded
/// product allocates nothing. A product split over threads (≥ <see cref="ParallelThreshold"/> multiply-adds and more than one
/// thread allowed) pays what <see cref="Parallel.For(int, int, ParallelOptions, Action{int})"/> allocates, about 1.5 KB per call
/// (measured by BenchmarkDotNet's MemoryDiagnoser).
/// </para>
/// <para>Arguments are not validated here; <see cref="Gemm.Multiply"/> does that.</para>
/// </remarks>
internal static unsafe class ManagedGemm
{
    /// <summary>Depth of one block of the sum over k (the packed panels hold KC values per row/column).</summary>
    internal const int KC = 128;

    /// <summary>Below this many multiply-adds (m·n·k) a product runs on the calling thread only.</summary>
    internal const long ParallelThreshold = 1L << 20;

    private const int MaxMc = 128;
    private const int MaxNc = 512;
    private const int MaxMr = 8;
    private const int MaxNr = 32;

    [ThreadStatic]
    private static GemmJob? t_job;

    [ThreadStatic]
    private static Workspace? t_workspace;

    /// <summary>Gets the micro-kernel <see cref="GemmKernel.Auto"/> stands for on this hardware.</summary>
    /// <remarks>AVX-512 is used whenever the CPU has it: on Skylake-SP/Cascade Lake the runtime reports
    /// <see cref="Vector512.IsHardwareAccelerated"/> = false (it prefers 256-bit vectors there to avoid clock throttling in
    /// general code), yet <see cref="Vector512{T}"/> operations still compile to AVX-512 and this FMA-bound kernel runs
    /// about 1.6× faster with them than with the 256-bit kernel (measured: 85 vs 53 GFLOP/s, 512³, one core).</remarks>
    internal static GemmKernel DefaultKernel { get; } =
        Vector512.IsHardwareAccelerated || Avx512F.IsSupported ? GemmKernel.Vector512
        : Vector256.IsHardwareAccelerated && Fma.IsSupported ? GemmKernel.Vector256
        : GemmKernel.Scalar;

    /// <summary>C ← α·op(A)·op(B) + β·C on validated arguments (see <see cref="Gemm.Multiply"/>).</summary>
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
    /// <param name="maxDegreeOfParallelism">Most threads to use (1 = calling thread only).</param>
    /// <param name="kernel">The micro-kernel; <see cref="GemmKernel.Auto"/> picks the widest accelerated one.</param>
    public static void Multiply(
        bool transposeA, bool transposeB, int m, int n, int k, float alpha,
        ReadOnlySpan<float> a, int lda, ReadOnlySpan<float> b, int ldb, float beta, Span<float> c, int ldc,
        int maxDegreeOfParallelism, GemmKernel kernel = GemmKernel.Auto)
    {
        if (m == 0 || n == 0)
        {
            return;
        }

        if (k == 0 || alpha == 0)
        {
            ScaleC(m, n, beta, c, ldc);
            return;
        }

        if (kernel == GemmKernel.Auto)
        {
            kernel = DefaultKernel;
        }

        fixed (float* pa = a)
        fixed (float* pb = b)
        fixed (float* pc = c)
        {
            GemmJob job = t_job ??= new GemmJob();
            job.Setup(transposeA, transposeB, m, n, k, alpha, pa, lda, pb, ldb, beta, pc, ldc, kernel, maxDegreeOfParallelism);
            try
            {
                job.Run();
            }
            finally
            {
                job.Clear();
            }
        }
    }

    /// <summary>C ← β·C (β = 0 clears without reading).</summary>
    private static void ScaleC(int m, int n, float beta, Span<float> c, int ldc)
    {
        if (beta == 1)
        {
            return;
        }

        for (int i = 0; i < m; i++)
        {
            Span<float> row = c.Slice(i * ldc, n);
            if (beta == 0)
            {
                row.Clear();
            }
            else
            {
                TensorPrimitives.Multiply(row, beta, row);
            }
        }
    }

    private static (int Mr, int Nr) TileOf(GemmKernel kernel) => kernel switch
    {
        GemmKernel.Vector512 => (8, 32),
        GemmKernel.Vector256 => (6, 16),
        _ => (4, 4),
    };

    /// <summary>
    /// Packs op(A)[i0 .. i0+mc, p0 .. p0+kc] into panels of MR rows: panel r holds, for each p, the MR values
    /// op(A)[i0 + r·MR + 0..MR-1, p0 + p]; rows past m are zero.
    /// </summary>
    private static void PackA(bool transposeA, float* a, int lda, int i0, int mc, int p0, int kc, int mr, float* dst)
    {
        for (int r0 = 0; r0 < mc; r0 += mr)
        {
            int rows = Math.Min(mr, mc - r0);
            float* panel = dst + ((long)r0 * kc);
            if (transposeA)
            {
                // op(A)[i, p] = A[p, i]: each p gives `rows` contiguous values.
                if (mr == 8 && rows == 8)
                {
                    for (int p = 0; p < kc; p++)
                    {
                        Vector256.Store(Vector256.Load(a + ((long)(p0 + p) * lda) + i0 + r0), panel + ((long)p * 8));
                    }

                    continue;
                }

                for (int p = 0; p < kc; p++)
                {
                    float* src = a + ((long)(p0 + p) * lda) + i0 + r0;
                    float* d = panel + ((long)p * mr);
                    int r = 0;
                    for (; r < rows; r++)
                    {
                        d[r] = src[r];
                    }

                    for (; r < mr; r++)
                    {
                        d[r] = 0;
                    }
                }
            }
            else
            {
                // op(A)[i, p] = A[i, p]: gather row r into every mr-th slot; whole 8×8 blocks by register transpose.
                int pDone = 0;
                if (mr == 8 && rows == 8 && Avx.IsSupported)
                {
                    float* src = a + ((long)(i0 + r0) * lda) + p0;
                    for (; pDone + 8 <= kc; pDone += 8)
                    {
                        Transpose8x8(src + pDone, lda, panel + ((long)pDone * 8), 8);
                    }
                }

                for (int r = 0; r < rows; r++)
                {
                    float* src = a + ((long)(i0 + r0 + r) * lda) + p0;
                    float* d = panel + r;
                    for (int p = pDone; p < kc; p++)
                    {
                        d[(long)p * mr] = src[p];
                    }
                }

                for (int r = rows; r < mr; r++)
                {
                    float* d = panel + r;
                    for (int p = 0; p < kc; p++)
                    {
                        d[(long)p * mr] = 0;
                    }
                }
            }
        }
    }

    /// <summary>
    /// Packs columns j0 .. j0+cols of op(B)[p0 .. p0+kc, :] into one panel of NR columns: for each p, NR values; columns past
    /// <paramref name="cols"/> are zero.
    /// </summary>
    private static void PackBPanel(bool transposeB, float* b, int ldb, int p0, int kc, int j0, int cols, int nr, float* dst)
    {
        if (transposeB)
        {
            // op(B)[p, j] = B[j, p]: gather column j into every nr-th slot; groups of 8 columns × 8 steps by register transpose.
            int jDone = 0;
            if (Avx.IsSupported && kc >= 8)
            {
                int pEnd = kc & ~7;
                for (; jDone + 8 <= cols; jDone += 8)
                {
                    float* src = b + ((long)(j0 + jDone) * ldb) + p0;
                    for (int p = 0; p < pEnd; p += 8)
                    {
                        Transpose8x8(src + p, ldb, dst + ((long)p * nr) + jDone, nr);
                    }

                    for (int j = jDone; j < jDone + 8; j++)
                    {
                        float* column = b + ((long)(j0 + j) * ldb) + p0;
                        for (int p = pEnd; p < kc; p++)
                        {
                            dst[((long)p * nr) + j] = column[p];
                        }
                    }
                }
            }

            for (int j = jDone; j < cols; j++)
            {
                float* src = b + ((long)(j0 + j) * ldb) + p0;
                float* d = dst + j;
                for (int p = 0; p < kc; p++)
                {
                    d[(long)p * nr] = src[p];
                }
            }
        }
        else
        {
            // Rows of op(B) are contiguous: copy cols values and zero the rest of each packed row inline
            // (span CopyTo/Clear calls cost more than the copy itself for rows this short).
            bool vector = Vector256.IsHardwareAccelerated;
            for (int p = 0; p < kc; p++)
            {
                float* src = b + ((long)(p0 + p) * ldb) + j0;
                float* d = dst + ((long)p * nr);
                int j = 0;
                if (vector)
                {
                    for (; j + 8 <= cols; j += 8)
                    {
                        Vector256.Store(Vector256.Load(src + j), d + j);
                    }
                }

                for (; j < cols; j++)
                {
                    d[j] = src[j];
                }

                for (; j < nr; j++)
                {
                    d[j] = 0;
                }
            }

            return;
        }

        if (cols < nr)
        {
            for (int p = 0; p < kc; p++)
            {
                new Span<float>(dst + ((long)p * nr) + cols, nr - cols).Clear();
            }
        }
    }

    /// <summary>
    /// Transposes an 8×8 block: row q of the destination (at <paramref name="dst"/> + q·<paramref name="dstStride"/>) receives
    /// column q of the source (rows at <paramref name="src"/> + r·<paramref name="srcStride"/>). AVX unpack/shuffle/permute sequence.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Transpose8x8(float* src, nint srcStride, float* dst, nint dstStride)
    {
        Vector256<float> r0 = Avx.LoadVector256(src);
        Vector256<float> r1 = Avx.LoadVector256(src + srcStride);
        Vector256<float> r2 = Avx.LoadVector256(src + (2 * srcStride));
        Vector256<float> r3 = Avx.LoadVector256(src + (3 * srcStride));
        Vector256<float> r4 = Avx.LoadVector256(src + (4 * srcStride));
        Vector256<float> r5 = Avx.LoadVector256(src + (5 * srcStride));
        Vector256<float> r6 = Avx.LoadVector256(src + (6 * srcStride));
        Vector256<float> r7 = Avx.LoadVector256(src + (7 * srcStride));

        Vector256<float> t0 = Avx.UnpackLow(r0, r1);
        Vector256<float> t1 = Avx.UnpackHigh(r0, r1);
        Vector256<float> t2 = Avx.UnpackLow(r2, r3);
        Vector256<float> t3 = Avx.UnpackHigh(r2, r3);
        Vector256<float> t4 = Avx.UnpackLow(r4, r5);
        Vector256<float> t5 = Avx.UnpackHigh(r4, r5);
        Vector256<float> t6 = Avx.UnpackLow(r6, r7);
        Vector256<float> t7 = Avx.UnpackHigh(r6, r7);

        Vector256<float> u0 = Avx.Shuffle(t0, t2, 0x44);
        Vector256<float> u1 = Avx.Shuffle(t0, t2, 0xEE);
        Vector256<float> u2 = Avx.Shuffle(t1, t3, 0x44);
        Vector256<float> u3 = Avx.Shuffle(t1, t3, 0xEE);
        Vector256<float> u4 = Avx.Shuffle(t4, t6, 0x44);
        Vector256<float> u5 = Avx.Shuffle(t4, t6, 0xEE);
        Vector256<float> u6 = Avx.Shuffle(t5, t7, 0x44);
        Vector256<float> u7 = Avx.Shuffle(t5, t7, 0xEE);

        Avx.Store(dst, Avx.Permute2x128(u0, u4, 0x20));
        Avx.Store(dst + dstStride, Avx.Permute2x128(u1, u5, 0x20));
        Avx.Store(dst + (2 * dstStride), Avx.Permute2x128(u2, u6, 0x20));
        Avx.Store(dst + (3 * dstStride), Avx.Permute2x128(u3, u7, 0x20));
        Avx.Store(dst + (4 * dstStride), Avx.Permute2x128(u0, u4, 0x31));
        Avx.Store(dst + (5 * dstStride), Avx.Permute2x128(u1, u5, 0x31));
        Avx.Store(dst + (6 * dstStride), Avx.Permute2x128(u2, u6, 0x31));
        Avx.Store(dst + (7 * dstStride), Avx.Permute2x128(u3, u7, 0x31));
    }

    /// <summary>Merges a finished MR×NR tile (only its top-left rows×cols part) into C: C ← α·tile + β·C (β = 0: C not read).</summary>
    private static void MergeTile(float* tile, int nr, int rows, int cols, float* c, int ldc, float alpha, float beta)
    {
        for (int i = 0; i < rows; i++)
        {
            float* t = tile + ((long)i * nr);
            float* d = c + ((long)i * ldc);
            if (beta == 0)
            {
                for (int j = 0; j < cols; j++)
                {
                    d[j] = t[j] * alpha;
                }
            }
            else
            {
                for (int j = 0; j < cols; j++)
                {
                    d[j] = MathF.FusedMultiplyAdd(t[j], alpha, d[j] * beta);
                }
            }
        }
    }

    /// <summary>8×32 AVX-512 micro-kernel: C[0..8, 0..32] ← α·Σₚ a[p]·b[p] + β·C.</summary>
    /// <param name="a">Packed A panel: 8 values per p.</param>
    /// <param name="b">B rows: 32 values per p, <paramref name="bStride"/> apart.</param>
    /// <param name="bStride">Distance between successive rows of B.</param>
    /// <param name="kc">Steps.</param>
    /// <param name="c">Top-left of the C tile.</param>
    /// <param name="ldc">Row stride of C.</param>
    /// <param name="rows">Rows of the tile to store (1..8); the others are padding.</param>
    /// <param name="alpha">Scale of the sum.</param>
    /// <param name="beta">Scale of C (0: C not read).</param>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static void Kernel8x32(float* a, float* b, nint bStride, int kc, float* c, nint ldc, int rows, float alpha, float beta)
    {
        Vector512<float> c00 = default, c01 = default, c10 = default, c11 = default;
        Vector512<float> c20 = default, c21 = default, c30 = default, c31 = default;
        Vector512<float> c40 = default, c41 = default, c50 = default, c51 = default;
        Vector512<float> c60 = default, c61 = default, c70 = default, c71 = default;

        // Two steps per iteration: fewer loop-control µops beside the 16 FMAs and 10 loads of each step.
        int pairs = kc >> 1;
        for (int p = 0; p < pairs; p++)
        {
            {
                Vector512<float> b0 = Vector512.Load(b);
                Vector512<float> b1 = Vector512.Load(b + 16);
                Vector512<float> x = Vector512.Create(a[0]);
                c00 = Vector512.FusedMultiplyAdd(x, b0, c00);
                c01 = Vector512.FusedMultiplyAdd(x, b1, c01);
                x = Vector512.Create(a[1]);
                c10 = Vector512.FusedMultiplyAdd(x, b0, c10);
                c11 = Vector512.FusedMultiplyAdd(x, b1, c11);
                x = Vector512.Create(a[2]);
                c20 = Vector512.FusedMultiplyAdd(x, b0, c20);
                c21 = Vector512.FusedMultiplyAdd(x, b1, c21);
                x = Vector512.Create(a[3]);
                c30 = Vector512.FusedMultiplyAdd(x, b0, c30);
                c31 = Vector512.FusedMultiplyAdd(x, b1, c31);
                x = Vector512.Create(a[4]);
                c40 = Vector512.FusedMultiplyAdd(x, b0, c40);
                c41 = Vector512.FusedMultiplyAdd(x, b1, c41);
                x = Vector512.Create(a[5]);
                c50 = Vector512.FusedMultiplyAdd(x, b0, c50);
                c51 = Vector512.FusedMultiplyAdd(x, b1, c51);
                x = Vector512.Create(a[6]);
                c60 = Vector512.FusedMultiplyAdd(x, b0, c60);
                c61 = Vector512.FusedMultiplyAdd(x, b1, c61);
                x = Vector512.Create(a[7]);
                c70 = Vector512.FusedMultiplyAdd(x, b0, c70);
                c71 = Vector512.FusedMultiplyAdd(x, b1, c71);
            }

            {
                Vector512<float> b0 = Vector512.Load(b + bStride);
                Vector512<float> b1 = Vector512.Load(b + bStride + 16);
                Vector512<float> x = Vector512.Create(a[8]);
                c00 = Vector512.FusedMultiplyAdd(x, b0, c00);
                c01 = Vector512.FusedMultiplyAdd(x, b1, c01);
                x = Vector512.Create(a[9]);
                c10 = Vector512.FusedMultiplyAdd(x, b0, c10);
                c11 = Vector512.FusedMultiplyAdd(x, b1, c11);
                x = Vector512.Create(a[10]);
                c20 = Vector512.FusedMultiplyAdd(x, b0, c20);
                c21 = Vector512.FusedMultiplyAdd(x, b1, c21);
                x = Vector512.Create(a[11]);
                c30 = Vector512.FusedMultiplyAdd(x, b0, c30);
                c31 = Vector512.FusedMultiplyAdd(x, b1, c31);
                x = Vector512.Create(a[12]);
                c40 = Vector512.FusedMultiplyAdd(x, b0, c40);
                c41 = Vector512.FusedMultiplyAdd(x, b1, c41);
                x = Vector512.Create(a[13]);
                c50 = Vector512.FusedMultiplyAdd(x, b0, c50);
                c51 = Vector512.FusedMultiplyAdd(x, b1, c51);
                x = Vector512.Create(a[14]);
                c60 = Vector512.FusedMultiplyAdd(x, b0, c60);
                c61 = Vector512.FusedMultiplyAdd(x, b1, c61);
                x = Vector512.Create(a[15]);
                c70 = Vector512.FusedMultiplyAdd(x, b0, c70);
                c71 = Vector512.FusedMultiplyAdd(x, b1, c71);
            }

            a += 16;
            b += 2 * bStride;
        }

        if ((kc & 1) != 0)
        {
            Vector512<float> b0 = Vector512.Load(b);
            Vector512<float> b1 = Vector512.Load(b + 16);
            Vector512<float> x = Vector512.Create(a[0]);
            c00 = Vector512.FusedMultiplyAdd(x, b0, c00);
            c01 = Vector512.FusedMultiplyAdd(x, b1, c01);
            x = Vector512.Create(a[1]);
            c10 = Vector512.FusedMultiplyAdd(x, b0, c10);
            c11 = Vector512.FusedMultiplyAdd(x, b1, c11);
            x = Vector512.Create(a[2]);
            c20 = Vector512.FusedMultiplyAdd(x, b0, c20);
            c21 = Vector512.FusedMultiplyAdd(x, b1, c21);
            x = Vector512.Create(a[3]);
            c30 = Vector512.FusedMultiplyAdd(x, b0, c30);
            c31 = Vector512.FusedMultiplyAdd(x, b1, c31);
            x = Vector512.Create(a[4]);
            c40 = Vector512.FusedMultiplyAdd(x, b0, c40);
            c41 = Vector512.FusedMultiplyAdd(x, b1, c41);
            x = Vector512.Create(a[5]);
            c50 = Vector512.FusedMultiplyAdd(x, b0, c50);
            c51 = Vector512.FusedMultiplyAdd(x, b1, c51);
            x = Vector512.Create(a[6]);
            c60 = Vector512.FusedMultiplyAdd(x, b0, c60);
            c61 = Vector512.FusedMultiplyAdd(x, b1, c61);
            x = Vector512.Create(a[7]);
            c70 = Vector512.FusedMultiplyAdd(x, b0, c70);
            c71 = Vector512.FusedMultiplyAdd(x, b1, c71);
        }

        // Rows past `rows` (padding of the last panel) are dropped; all 32 columns are valid here.
        Store512(c, c00, c01, alpha, beta);
        if (rows > 1)
        {
            Store512(c + ldc, c10, c11, alpha, beta);
        }

        if (rows > 2)
        {
            Store512(c + (2 * ldc), c20, c21, alpha, beta);
        }

        if (rows > 3)
        {
            Store512(c + (3 * ldc), c30, c31, alpha, beta);
        }

        if (rows > 4)
        {
            Store512(c + (4 * ldc), c40, c41, alpha, beta);
        }

        if (rows > 5)
        {
            Store512(c + (5 * ldc), c50, c51, alpha, beta);
        }

        if (rows > 6)
        {
            Store512(c + (6 * ldc), c60, c61, alpha, beta);
        }

        if (rows > 7)
        {
            Store512(c + (7 * ldc), c70, c71, alpha, beta);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Store512(float* c, Vector512<float> v0, Vector512<float> v1, float alpha, float beta)
    {
        Vector512<float> va = Vector512.Create(alpha);
        if (beta == 0)
        {
            (v0 * va).Store(c);
            (v1 * va).Store(c + 16);
        }
        else
        {
            Vector512<float> vb = Vector512.Create(beta);
            Vector512.FusedMultiplyAdd(v0, va, Vector512.Load(c) * vb).Store(c);
            Vector512.FusedMultiplyAdd(v1, va, Vector512.Load(c + 16) * vb).Store(c + 16);
        }
    }

    /// <summary>6×16 AVX2 micro-kernel (see <see cref="Kernel8x32"/>).</summary>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static void Kernel6x16(float* a, float* b, nint bStride, int kc, float* c, nint ldc, int rows, float alpha, float beta)
    {
        Vector256<float> c00 = default, c01 = default, c10 = default, c11 = default;
        Vector256<float> c20 = default, c21 = default, c30 = default, c31 = default;
        Vector256<float> c40 = default, c41 = default, c50 = default, c51 = default;
        for (int p = 0; p < kc; p++)
        {
            Vector256<float> b0 = Vector256.Load(b);
            Vector256<float> b1 = Vector256.Load(b + 8);
            Vector256<float> x = Vector256.Create(a[0]);
            c00 = Vector256.FusedMultiplyAdd(x, b0, c00);
            c01 = Vector256.FusedMultiplyAdd(x, b1, c01);
            x = Vector256.Create(a[1]);
            c10 = Vector256.FusedMultiplyAdd(x, b0, c10);
            c11 = Vector256.FusedMultiplyAdd(x, b1, c11);
            x = Vector256.Create(a[2]);
            c20 = Vector256.FusedMultiplyAdd(x, b0, c20);
            c21 = Vector256.FusedMultiplyAdd(x, b1, c21);
            x = Vector256.Create(a[3]);
            c30 = Vector256.FusedMultiplyAdd(x, b0, c30);
            c31 = Vector256.FusedMultiplyAdd(x, b1, c31);
            x = Vector256.Create(a[4]);
            c40 = Vector256.FusedMultiplyAdd(x, b0, c40);
            c41 = Vector256.FusedMultiplyAdd(x, b1, c41);
            x = Vector256.Create(a[5]);
            c50 = Vector256.FusedMultiplyAdd(x, b0, c50);
            c51 = Vector256.FusedMultiplyAdd(x, b1, c51);
            a += 6;
            b += bStride;
        }

        Store256(c, c00, c01, alpha, beta);
        if (rows > 1)
        {
            Store256(c + ldc, c10, c11, alpha, beta);
        }

        if (rows > 2)
        {
            Store256(c + (2 * ldc), c20, c21, alpha, beta);
        }

        if (rows > 3)
        {
            Store256(c + (3 * ldc), c30, c31, alpha, beta);
        }

        if (rows > 4)
        {
            Store256(c + (4 * ldc), c40, c41, alpha, beta);
        }

        if (rows > 5)
        {
            Store256(c + (5 * ldc), c50, c51, alpha, beta);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Store256(float* c, Vector256<float> v0, Vector256<float> v1, float alpha, float beta)
    {
        Vector256<float> va = Vector256.Create(alpha);
        if (beta == 0)
        {
            (v0 * va).Store(c);
            (v1 * va).Store(c + 8);
        }
        else
        {
            Vector256<float> vb = Vector256.Create(beta);
            Vector256.FusedMultiplyAdd(v0, va, Vector256.Load(c) * vb).Store(c);
            Vector256.FusedMultiplyAdd(v1, va, Vector256.Load(c + 8) * vb).Store(c + 8);
        }
    }

    /// <summary>4×4 scalar micro-kernel (see <see cref="Kernel8x32"/>); plain multiply then add, no FMA.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void Kernel4x4(float* a, float* b, nint bStride, int kc, float* c, nint ldc, int rows, float alpha, float beta)
    {
        float c00 = 0, c01 = 0, c02 = 0, c03 = 0, c10 = 0, c11 = 0, c12 = 0, c13 = 0;
        float c20 = 0, c21 = 0, c22 = 0, c23 = 0, c30 = 0, c31 = 0, c32 = 0, c33 = 0;
        for (int p = 0; p < kc; p++)
        {
            float b0 = b[0], b1 = b[1], b2 = b[2], b3 = b[3];
            float x = a[0];
            c00 += x * b0;
            c01 += x * b1;
            c02 += x * b2;
            c03 += x * b3;
            x = a[1];
            c10 += x * b0;
            c11 += x * b1;
            c12 += x * b2;
            c13 += x * b3;
            x = a[2];
            c20 += x * b0;
            c21 += x * b1;
            c22 += x * b2;
            c23 += x * b3;
            x = a[3];
            c30 += x * b0;
            c31 += x * b1;
            c32 += x * b2;
            c33 += x * b3;
            a += 4;
            b += bStride;
        }

        float* tile = stackalloc float[16]
        {
            c00, c01, c02, c03, c10, c11, c12, c13, c20, c21, c22, c23, c30, c31, c32, c33,
        };
        MergeTile(tile, 4, rows, 4, c, (int)ldc, alpha, beta);
    }

    /// <summary>Per-thread packing buffers, allocated once per thread on the pinned heap and 64-byte aligned.</summary>
    private sealed class Workspace
    {
        private const int Alignment = 64;

        private readonly float[] _storage;

        public Workspace()
        {
            int aLength = MaxMc * KC;
            int bLength = KC * MaxNc;
            int edgeLength = KC * MaxNr;
            int tileLength = MaxMr * MaxNr;
            int pad = Alignment / sizeof(float);
            _storage = GC.AllocateUninitializedArray<float>(aLength + bLength + edgeLength + tileLength + (4 * pad), pinned: true);
            float* p = (float*)Unsafe.AsPointer(ref _storage[0]);
            p = Align(p);
            APack = p;
            p = Align(p + aLength);
            BPack = p;
            p = Align(p + bLength);
            BEdge = p;
            p = Align(p + edgeLength);
            Tile = p;
        }

        public float* APack { get; }

        public float* BPack { get; }

        public float* BEdge { get; }

        public float* Tile { get; }

        private static float* Align(float* p) => (float*)(((nint)p + (Alignment - 1)) & ~(nint)(Alignment - 1));
    }

    /// <summary>One product's arguments and block grid; reused per calling thread so a call allocates nothing on the packing path.</summary>
    private sealed class GemmJob
    {
        private readonly Action<int> _body;
        private readonly ParallelOptions _options = new();
        private bool _transposeA;
        private bool _transposeB;
        private int _m;
        private int _n;
        private int _k;
        private float _alpha;
        private float _beta;
        private float* _a;
        private float* _b;
        private float* _c;
        private int _lda;
        private int _ldb;
        private int _ldc;
        private GemmKernel _kernel;
        private int _mr;
        private int _nr;
        private int _mc;
        private int _nc;
        private int _blocksM;
        private int _blocksN;
        private int _threads;
        private bool _directB;

        public GemmJob()
        {
            _body = RunBlock;
        }

        public void Setup(
            bool transposeA, bool transposeB, int m, int n, int k, float alpha, float* a, int lda, float* b, int ldb,
            float beta, float* c, int ldc, GemmKernel kernel, int maxDegreeOfParallelism)
        {
            _transposeA = transposeA;
            _transposeB = transposeB;
            _m = m;
            _n = n;
            _k = k;
            _alpha = alpha;
            _beta = beta;
            _a = a;
            _b = b;
            _c = c;
            _lda = lda;
            _ldb = ldb;
            _ldc = ldc;
            _kernel = kernel;
            (_mr, _nr) = TileOf(kernel);
            _mc = Math.Min(16 * _mr, MaxMc);
            _nc = Math.Min(16 * _nr, MaxNc);

            // Few rows: each packed B panel would be used by one or two A panels only, so read B in place
            // (rows of B are contiguous when B is not transposed); packing would cost as much as the product.
            _directB = !transposeB && m <= 2 * _mr;

            long work = (long)m * n * k;
            _threads = work < ParallelThreshold ? 1 : Math.Max(1, Math.Min(maxDegreeOfParallelism, Environment.ProcessorCount));
            if (_threads > 1)
            {
                // Shrink blocks (keeping them whole tiles) until there is one block per thread, columns first: every block packs
                // its own A rows and B columns, so column blocks of full height repack only A (the cheaper operand here).
                // The tile grid and the k blocking stay the same, so the arithmetic per element does not change.
                int wanted = _threads;
                while (BlockCount(_mc, _nc) < wanted && _nc > _nr)
                {
                    _nc = RoundUp(_nc / 2, _nr);
                }

                while (BlockCount(_mc, _nc) < wanted && _mc > _mr)
                {
                    _mc = RoundUp(_mc / 2, _mr);
                }
            }

            _blocksM = (m + _mc - 1) / _mc;
            _blocksN = (n + _nc - 1) / _nc;
        }

        public void Run()
        {
            int blocks = _blocksM * _blocksN;
            if (_threads == 1 || blocks == 1)
            {
                for (int t = 0; t < blocks; t++)
                {
                    RunBlock(t);
                }
            }
            else
            {
                _options.MaxDegreeOfParallelism = _threads;
                Parallel.For(0, blocks, _options, _body);
            }
        }

        public void Clear()
        {
            _a = null;
            _b = null;
            _c = null;
        }

        private static int RoundUp(int value, int multiple) => Math.Max(multiple, (value + multiple - 1) / multiple * multiple);

        private long BlockCount(int mc, int nc) => (long)((_m + mc - 1) / mc) * ((_n + nc - 1) / nc);

        private void RunBlock(int block)
        {
            int i0 = block / _blocksN * _mc;
            int j0 = block % _blocksN * _nc;
            int mc = Math.Min(_mc, _m - i0);
            int nc = Math.Min(_nc, _n - j0);
            Workspace ws = t_workspace ??= new Workspace();
            int mr = _mr;
            int nr = _nr;
            for (int p0 = 0; p0 < _k; p0 += KC)
            {
                int kc = Math.Min(KC, _k - p0);
                float beta = p0 == 0 ? _beta : 1f;
                PackA(_transposeA, _a, _lda, i0, mc, p0, kc, mr, ws.APack);
                if (!_directB)
                {
                    for (int jr = 0; jr < nc; jr += nr)
                    {
                        PackBPanel(_transposeB, _b, _ldb, p0, kc, j0 + jr, Math.Min(nr, nc - jr), nr, ws.BPack + ((long)jr * kc));
                    }
                }

                for (int jr = 0; jr < nc; jr += nr)
                {
                    int cols = Math.Min(nr, nc - jr);
                    float* bPanel;
                    nint bStride;
                    if (!_directB)
                    {
                        bPanel = ws.BPack + ((long)jr * kc);
                        bStride = nr;
                    }
                    else if (cols == nr)
                    {
                        bPanel = _b + ((long)p0 * _ldb) + j0 + jr;
                        bStride = _ldb;
                    }
                    else
                    {
                        PackBPanel(false, _b, _ldb, p0, kc, j0 + jr, cols, nr, ws.BEdge);
                        bPanel = ws.BEdge;
                        bStride = nr;
                    }

                    for (int ir = 0; ir < mc; ir += mr)
                    {
                        int rows = Math.Min(mr, mc - ir);
                        float* aPanel = ws.APack + ((long)ir * kc);
                        float* cTile = _c + ((long)(i0 + ir) * _ldc) + j0 + jr;
                        if (cols == nr)
                        {
                            RunKernel(aPanel, bPanel, bStride, kc, cTile, _ldc, rows, _alpha, beta);
                        }
                        else
                        {
                            RunKernel(aPanel, bPanel, bStride, kc, ws.Tile, nr, mr, 1f, 0f);
                            MergeTile(ws.Tile, nr, rows, cols, cTile, _ldc, _alpha, beta);
                        }
                    }
                }
            }
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private void RunKernel(float* a, float* b, nint bStride, int kc, float* c, nint ldc, int rows, float alpha, float beta)
        {
            switch (_kernel)
            {
                case GemmKernel.Vector512:
                    Kernel8x32(a, b, bStride, kc, c, ldc, rows, alpha, beta);
                    break;
                case GemmKernel.Vector256:
                    Kernel6x16(a, b, bStride, kc, c, ldc, rows, alpha, beta);
                    break;
                default:
                    Kernel4x4(a, b, bStride, kc, c, ldc, rows, alpha, beta);
                    break;
            }
        }
    }
}
