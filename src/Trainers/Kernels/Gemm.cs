namespace MLGradientInsight.Trainers.Kernels;

/// <summary>
/// General matrix multiply on row-major float32 matrices, as BLAS <c>sgemm</c> with <c>CblasRowMajor</c>.
/// </summary>
/// <remarks>C ← α·op(A)·op(B) + β·C, op(A) is m×k, op(B) is k×n, C is m×n. When β = 0, C is not read (NaN in C does not propagate).</remarks>
public static class Gemm
{
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
    public static void Multiply(
        bool transposeA, bool transposeB, int m, int n, int k, float alpha,
        ReadOnlySpan<float> a, int lda, ReadOnlySpan<float> b, int ldb, float beta, Span<float> c, int ldc)
    {
        // Reference implementation; replaced by blocked SIMD kernels and OpenBLAS dispatch.
        for (int i = 0; i < m; i++)
        {
            for (int j = 0; j < n; j++)
            {
                float sum = 0;
                for (int p = 0; p < k; p++)
                {
                    float av = transposeA ? a[(p * lda) + i] : a[(i * lda) + p];
                    float bv = transposeB ? b[(j * ldb) + p] : b[(p * ldb) + j];
                    sum += av * bv;
                }

                int ci = (i * ldc) + j;
                c[ci] = beta == 0 ? alpha * sum : (alpha * sum) + (beta * c[ci]);
            }
        }
    }
}
