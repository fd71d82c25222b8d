using System.Runtime.Intrinsics.X86;
using MLGradientInsight.Trainers.Kernels;

namespace MLGradientInsight.Trainers.Tests.Kernels;

/// <summary>
/// <see cref="Gemm"/> against a naive double-precision reference, on every backend and micro-kernel, called through
/// <see cref="Gemm.MultiplyOn"/> so that no test depends on (or changes) <see cref="EngineSettings"/>.
/// </summary>
[TestClass]
public sealed class GemmTest
{
    private const float Sentinel = -12345.5f;

    private static readonly int[] s_edgeSizes = [15, 16, 17, 31, 32, 33, 63, 64, 65, 127, 128, 129, 256];

    private static readonly (float Alpha, float Beta)[] s_scales = [(1f, 0f), (1f, 1f), (-1.5f, 0.25f), (0.5f, -2f)];

    /// <summary>A backend plus micro-kernel and thread count, as the tests name them.</summary>
    public enum Variant
    {
        /// <summary>Managed, widest kernel, one thread.</summary>
        Managed,

        /// <summary>Managed, widest kernel, two threads.</summary>
        ManagedTwoThreads,

        /// <summary>Managed, AVX-512 kernel.</summary>
        ManagedVector512,

        /// <summary>Managed, AVX2 kernel.</summary>
        ManagedVector256,

        /// <summary>Managed, scalar kernel.</summary>
        ManagedScalar,

        /// <summary>OpenBLAS.</summary>
        OpenBlas,
    }

    [TestMethod]
    [DataRow(Variant.Managed)]
    [DataRow(Variant.ManagedTwoThreads)]
    [DataRow(Variant.ManagedVector512)]
    [DataRow(Variant.ManagedVector256)]
    [DataRow(Variant.ManagedScalar)]
    [DataRow(Variant.OpenBlas)]
    public void Multiply_EverySmallShape_MatchesReference(Variant variant)
    {
        RequireVariant(variant);
        var rng = new Random(11);
        int cases = 0;
        for (int m = 0; m <= 17; m++)
        {
            for (int n = 0; n <= 17; n++)
            {
                for (int k = 0; k <= 17; k++)
                {
                    bool transposeA = ((m + n + k) & 1) == 1;
                    bool transposeB = ((m + (2 * n) + k) & 2) == 2;
                    (float alpha, float beta) = s_scales[(m + n + k) % s_scales.Length];
                    CheckAgainstReference(variant, transposeA, transposeB, m, n, k, alpha, beta, pad: (m + k) % 3, rng);
                    cases++;
                }
            }
        }

        Assert.AreEqual(18 * 18 * 18, cases);
    }

    [TestMethod]
    [DataRow(Variant.Managed)]
    [DataRow(Variant.ManagedVector256)]
    [DataRow(Variant.ManagedScalar)]
    [DataRow(Variant.OpenBlas)]
    public void Multiply_AllTransposesAndScales_SmallCube_MatchesReference(Variant variant)
    {
        RequireVariant(variant);
        var rng = new Random(12);
        foreach (bool transposeA in new[] { false, true })
        {
            foreach (bool transposeB in new[] { false, true })
            {
                foreach ((float alpha, float beta) in s_scales)
                {
                    for (int size = 1; size <= 9; size++)
                    {
                        CheckAgainstReference(variant, transposeA, transposeB, size, size + 2, size + 1, alpha, beta, pad: 1, rng);
                    }
                }
            }
        }
    }

    [TestMethod]
    [DataRow(Variant.Managed, false, false)]
    [DataRow(Variant.Managed, false, true)]
    [DataRow(Variant.Managed, true, false)]
    [DataRow(Variant.Managed, true, true)]
    [DataRow(Variant.ManagedTwoThreads, false, false)]
    [DataRow(Variant.ManagedTwoThreads, true, true)]
    [DataRow(Variant.ManagedVector256, false, true)]
    [DataRow(Variant.ManagedVector256, true, false)]
    [DataRow(Variant.ManagedScalar, false, false)]
    [DataRow(Variant.ManagedScalar, true, true)]
    [DataRow(Variant.OpenBlas, false, false)]
    [DataRow(Variant.OpenBlas, false, true)]
    [DataRow(Variant.OpenBlas, true, false)]
    [DataRow(Variant.OpenBlas, true, true)]
    public void Multiply_SizesAroundBlockAndVectorWidths_MatchReference(Variant variant, bool transposeA, bool transposeB)
    {
        RequireVariant(variant);
        var rng = new Random(13);
        int index = 0;
        foreach (int s in s_edgeSizes)
        {
            (float alpha, float beta) = s_scales[index++ % s_scales.Length];
            CheckAgainstReference(variant, transposeA, transposeB, s, s, s, alpha, beta, pad: 0, rng);
            CheckAgainstReference(variant, transposeA, transposeB, s, 7, s + 3, alpha, beta, pad: 2, rng);
            CheckAgainstReference(variant, transposeA, transposeB, 3, s, s, alpha, beta, pad: 1, rng);
            CheckAgainstReference(variant, transposeA, transposeB, s, s + 1, 5, alpha, beta, pad: 3, rng);
        }
    }

    [TestMethod]
    [DataRow(Variant.Managed)]
    [DataRow(Variant.ManagedTwoThreads)]
    [DataRow(Variant.ManagedVector256)]
    [DataRow(Variant.OpenBlas)]
    public void Multiply_LargeNonSquare_MatchesReference(Variant variant)
    {
        RequireVariant(variant);
        var rng = new Random(14);
        foreach (bool transposeA in new[] { false, true })
        {
            foreach (bool transposeB in new[] { false, true })
            {
                // 300×257×129: several row and column blocks with ragged edges; 70×90×600: the sum spans three k blocks.
                CheckAgainstReference(variant, transposeA, transposeB, 300, 257, 129, 1f, 0f, pad: 5, rng);
                CheckAgainstReference(variant, transposeA, transposeB, 70, 90, 600, -0.75f, 0.5f, pad: 1, rng);

                // The engine's conv shapes: few rows, many columns, short sums (the managed kernel reads B in place there).
                CheckAgainstReference(variant, transposeA, transposeB, 6, 2000, 9, 1f, 1f, pad: 0, rng);
                CheckAgainstReference(variant, transposeA, transposeB, 16, 1352, 54, 1f, 0f, pad: 3, rng);
            }
        }
    }

    [TestMethod]
    [DataRow(Variant.Managed)]
    [DataRow(Variant.ManagedScalar)]
    [DataRow(Variant.OpenBlas)]
    public void Multiply_BetaZero_IgnoresNaNInC(Variant variant)
    {
        RequireVariant(variant);
        var rng = new Random(15);
        foreach ((int m, int n, int k) in new[] { (5, 7, 3), (40, 70, 300), (1, 1, 1), (9, 33, 0) })
        {
            foreach (bool transposeA in new[] { false, true })
            {
                foreach (bool transposeB in new[] { false, true })
                {
                    float[] a = RandomArray(m * k, rng);
                    float[] b = RandomArray(k * n, rng);
                    float[] c = new float[m * n];
                    Array.Fill(c, float.NaN);
                    int lda = Math.Max(1, transposeA ? m : k);
                    int ldb = Math.Max(1, transposeB ? k : n);
                    Run(variant, transposeA, transposeB, m, n, k, 2f, a, lda, b, ldb, 0f, c, n);
                    (double[] expected, double[] bounds) = Reference(transposeA, transposeB, m, n, k, 2f, a, lda, b, ldb, 0f, new float[m * n], n);
                    for (int i = 0; i < c.Length; i++)
                    {
                        Assert.IsTrue(float.IsFinite(c[i]), $"{variant} {m}×{n}×{k} tA={transposeA} tB={transposeB}: C[{i}] = {c[i]} with β = 0 and NaN-filled C");
                        Assert.AreEqual(expected[i], c[i], bounds[i]);
                    }
                }
            }
        }
    }

    [TestMethod]
    [DataRow(Variant.Managed)]
    [DataRow(Variant.ManagedTwoThreads)]
    [DataRow(Variant.ManagedVector256)]
    [DataRow(Variant.ManagedScalar)]
    [DataRow(Variant.OpenBlas)]
    public void Multiply_NaNInA_PropagatesToItsRowOnly(Variant variant)
    {
        RequireVariant(variant);
        var rng = new Random(16);
        foreach ((int m, int n, int k, int badRow, int badP) in new[] { (9, 35, 20, 8, 19), (130, 70, 300, 65, 0), (6, 600, 9, 5, 4), (3, 3, 3, 0, 1) })
        {
            foreach (bool transposeA in new[] { false, true })
            {
                foreach (bool transposeB in new[] { false, true })
                {
                    int lda = transposeA ? m : k;
                    float[] a = RandomArray(m * k, rng);
                    a[transposeA ? (badP * lda) + badRow : (badRow * lda) + badP] = float.NaN;
                    float[] b = RandomArray(k * n, rng);
                    float[] c = RandomArray(m * n, rng);
                    Run(variant, transposeA, transposeB, m, n, k, 1f, a, lda, b, transposeB ? k : n, 1f, c, n);
                    for (int i = 0; i < m; i++)
                    {
                        for (int j = 0; j < n; j++)
                        {
                            Assert.AreEqual(i == badRow, float.IsNaN(c[(i * n) + j]), $"{variant} {m}×{n}×{k} tA={transposeA} tB={transposeB}: C[{i},{j}] = {c[(i * n) + j]}, NaN was in row {badRow} of op(A)");
                        }
                    }
                }
            }
        }
    }

    [TestMethod]
    [DataRow(Variant.Managed)]
    [DataRow(Variant.OpenBlas)]
    public void Multiply_ZeroK_ScalesCByBetaOnly(Variant variant)
    {
        RequireVariant(variant);
        float[] c = [1f, 2f, 3f, 4f, 5f, 6f];
        Run(variant, false, false, 2, 3, 0, 7f, [], 1, [], 3, 0.5f, c, 3);
        CollectionAssert.AreEqual(new[] { 0.5f, 1f, 1.5f, 2f, 2.5f, 3f }, c);

        float[] nan = [float.NaN, float.NaN, float.NaN, float.NaN];
        Run(variant, true, true, 2, 2, 0, 1f, [], 2, [], 1, 0f, nan, 2);
        CollectionAssert.AreEqual(new[] { 0f, 0f, 0f, 0f }, nan);
    }

    [TestMethod]
    [DataRow(Variant.Managed)]
    [DataRow(Variant.OpenBlas)]
    public void Multiply_AlphaZero_DoesNotReadAOrB(Variant variant)
    {
        RequireVariant(variant);
        float[] a = [float.NaN, float.NaN, float.NaN, float.NaN];
        float[] b = [float.PositiveInfinity, 1f, 1f, 1f];
        float[] c = [1f, 2f, 3f, 4f];
        Run(variant, false, false, 2, 2, 2, 0f, a, 2, b, 2, 3f, c, 2);
        CollectionAssert.AreEqual(new[] { 3f, 6f, 9f, 12f }, c);
    }

    [TestMethod]
    [DataRow(Variant.Managed)]
    [DataRow(Variant.OpenBlas)]
    public void Multiply_EmptyOutput_TouchesNothing(Variant variant)
    {
        RequireVariant(variant);
        float[] a = RandomArray(12, new Random(17));
        float[] c = [Sentinel, Sentinel];
        Run(variant, false, false, 0, 2, 6, 1f, [], 6, a, 2, 0f, c, 2);
        Run(variant, false, false, 2, 0, 6, 1f, a, 6, [], 1, 0f, c, 1);
        CollectionAssert.AreEqual(new[] { Sentinel, Sentinel }, c);
    }

    [TestMethod]
    [DataRow(false, false)]
    [DataRow(false, true)]
    [DataRow(true, false)]
    [DataRow(true, true)]
    public void Managed_OneTwoAndFourThreads_BitIdentical(bool transposeA, bool transposeB)
    {
        var rng = new Random(18);
        foreach ((int m, int n, int k) in new[] { (300, 257, 129), (64, 256, 784), (6, 5000, 9), (129, 65, 513) })
        {
            int lda = (transposeA ? m : k) + 1;
            int ldb = (transposeB ? k : n) + 2;
            int ldc = n + 3;
            float[] a = RandomArray((transposeA ? k : m) * lda, rng);
            float[] b = RandomArray((transposeB ? n : k) * ldb, rng);
            float[] c0 = RandomArray(m * ldc, rng);
            float[] one = (float[])c0.Clone();
            float[] again = (float[])c0.Clone();
            float[] two = (float[])c0.Clone();
            float[] four = (float[])c0.Clone();
            Gemm.MultiplyOn(GemmBackend.Managed, GemmKernel.Auto, 1, transposeA, transposeB, m, n, k, 0.7f, a, lda, b, ldb, 0.3f, one, ldc);
            Gemm.MultiplyOn(GemmBackend.Managed, GemmKernel.Auto, 1, transposeA, transposeB, m, n, k, 0.7f, a, lda, b, ldb, 0.3f, again, ldc);
            Gemm.MultiplyOn(GemmBackend.Managed, GemmKernel.Auto, 2, transposeA, transposeB, m, n, k, 0.7f, a, lda, b, ldb, 0.3f, two, ldc);
            Gemm.MultiplyOn(GemmBackend.Managed, GemmKernel.Auto, 4, transposeA, transposeB, m, n, k, 0.7f, a, lda, b, ldb, 0.3f, four, ldc);
            CollectionAssert.AreEqual(one, again, $"{m}×{n}×{k}: two single-threaded runs differ");
            CollectionAssert.AreEqual(one, two, $"{m}×{n}×{k}: 1 vs 2 threads differ");
            CollectionAssert.AreEqual(one, four, $"{m}×{n}×{k}: 1 vs 4 threads differ");
            CollectionAssert.AreNotEqual(c0, one, "the product was not computed");
        }
    }

    [TestMethod]
    public void Multiply_PublicEntry_MatchesReferenceWithCurrentSettings()
    {
        var rng = new Random(19);
        foreach ((int m, int n, int k) in new[] { (64, 120, 57), (6, 900, 9), (1, 1, 1), (33, 17, 65) })
        {
            float[] a = RandomArray(m * k, rng);
            float[] b = RandomArray(n * k, rng);
            float[] c = RandomArray(m * n, rng);
            (double[] expected, double[] bounds) = Reference(false, true, m, n, k, 1f, a, k, b, k, 1f, c, n);
            Gemm.Multiply(false, true, m, n, k, 1f, a, k, b, k, 1f, c, n);
            for (int i = 0; i < c.Length; i++)
            {
                Assert.AreEqual(expected[i], c[i], bounds[i], $"{m}×{n}×{k} element {i}");
            }
        }
    }

    [TestMethod]
    public void Multiply_NegativeDimension_Throws()
    {
        float[] x = new float[16];
        ArgumentOutOfRangeException e = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => Gemm.Multiply(false, false, -1, 2, 2, 1f, x, 2, x, 2, 0f, x, 2));
        Assert.AreEqual("m", e.ParamName);
        e = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => Gemm.Multiply(false, false, 2, 2, -3, 1f, x, 2, x, 2, 0f, x, 2));
        Assert.AreEqual("k", e.ParamName);
    }

    [TestMethod]
    [DataRow(false, false, 2, 3, 4, 3, 3, 3, "lda")]
    [DataRow(true, false, 2, 3, 4, 1, 3, 3, "lda")]
    [DataRow(false, false, 2, 3, 4, 4, 2, 3, "ldb")]
    [DataRow(false, true, 2, 3, 4, 4, 3, 3, "ldb")]
    [DataRow(false, false, 2, 3, 4, 4, 3, 2, "ldc")]
    [DataRow(false, false, 2, 0, 4, 4, 0, 0, "ldb")]
    public void Multiply_LeadingDimensionTooSmall_Throws(bool transposeA, bool transposeB, int m, int n, int k, int lda, int ldb, int ldc, string expectedParam)
    {
        float[] x = new float[64];
        ArgumentOutOfRangeException e = Assert.ThrowsExactly<ArgumentOutOfRangeException>(
            () => Gemm.Multiply(transposeA, transposeB, m, n, k, 1f, x, lda, x, ldb, 0f, x, ldc));
        Assert.AreEqual(expectedParam, e.ParamName);
    }

    [TestMethod]
    [DataRow(7, 12, 6, "a")]
    [DataRow(8, 11, 6, "b")]
    [DataRow(8, 12, 5, "c")]
    public void Multiply_SpanTooShort_ThrowsNamingTheMatrix(int aLength, int bLength, int cLength, string expectedParam)
    {
        // m = 2, n = 3, k = 4, unpadded: A (2×4) needs 8 values, B (4×3) 12, C (2×3) 6; each row makes one of them one short.
        float[] a = new float[aLength];
        float[] b = new float[bLength];
        float[] c = new float[cLength];
        ArgumentException e = Assert.ThrowsExactly<ArgumentException>(() => Gemm.Multiply(false, false, 2, 3, 4, 1f, a, 4, b, 3, 0f, c, 3));
        Assert.AreEqual(expectedParam, e.ParamName);
        StringAssert.Contains(e.Message, "needs");
    }

    [TestMethod]
    public void Multiply_PaddedLeadingDimensions_LeavesPaddingUntouched()
    {
        var rng = new Random(20);
        foreach (Variant variant in new[] { Variant.Managed, Variant.ManagedScalar })
        {
            CheckAgainstReference(variant, false, true, 37, 41, 19, 1f, 0f, pad: 9, rng);
            CheckAgainstReference(variant, true, false, 37, 41, 19, 1f, 1f, pad: 9, rng);
        }
    }

    [TestMethod]
    public void EngineSettings_MaxDegreeOfParallelism_RejectsZero()
    {
        ArgumentOutOfRangeException e = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => EngineSettings.MaxDegreeOfParallelism = 0);
        Assert.AreEqual("value", e.ParamName);
        Assert.IsGreaterThan(0, EngineSettings.MaxDegreeOfParallelism);
    }

    [TestMethod]
    public void EngineSettings_NativeBlasReport_IsConsistent()
    {
        if (EngineSettings.NativeBlasAvailable)
        {
            Assert.IsNotNull(EngineSettings.NativeBlasLibrary);
            Assert.IsNull(EngineSettings.NativeBlasLoadError);
        }
        else
        {
            Assert.IsNull(EngineSettings.NativeBlasLibrary);
            Assert.IsNotNull(EngineSettings.NativeBlasLoadError);
            Assert.AreEqual("managed", EngineSettings.GemmBackend);
        }
    }

    [TestMethod]
    [DataRow(64, 120, 400, 1, true, DisplayName = "LeNet fc1 forward, one thread: OpenBLAS")]
    [DataRow(64, 120, 400, 2, false, DisplayName = "LeNet fc1 forward, two threads: managed, split")]
    [DataRow(16, 100, 150, 2, true, DisplayName = "LeNet conv2 sample, too small to split: OpenBLAS")]
    [DataRow(6, 57600, 9, 1, false, DisplayName = "short and wide: managed")]
    [DataRow(512, 512, 512, 1, true, DisplayName = "512³ one thread: OpenBLAS")]
    [DataRow(512, 512, 512, 4, false, DisplayName = "512³ four threads: managed, split")]
    public void PrefersNative_ByShapeAndThreads(int m, int n, int k, int threads, bool expected)
    {
        Assert.AreEqual(expected, Gemm.PrefersNative(m, n, k, threads));
    }

    [TestMethod]
    [DataRow("Prescott", true, true)]
    [DataRow("prescott", true, true)]
    [DataRow("Sandybridge", true, true)]
    [DataRow("Prescott", false, false)]
    [DataRow("SkylakeX", true, false)]
    [DataRow("Haswell", true, false)]
    [DataRow(null, true, false)]
    public void NativeBlas_IsGenericCore_OnlyPreAvx2CoresOnAnAvx2Cpu(string? coreName, bool cpuHasAvx2, bool expected)
    {
        Assert.AreEqual(expected, NativeBlas.IsGenericCore(coreName, cpuHasAvx2));
    }

    [TestMethod]
    public void NativeBlas_RunsOnOneThread_AndReportsItsCore()
    {
        if (!NativeBlas.IsAvailable)
        {
            Assert.Inconclusive($"OpenBLAS not installed: apt-get install libopenblas0-pthread ({NativeBlas.LoadError})");
        }

        if (NativeBlas.ThreadCount is not int threads)
        {
            Assert.Inconclusive($"{NativeBlas.LibraryName} exports no openblas_get_num_threads.");
            return;
        }

        Assert.AreEqual(1, threads);
        Assert.IsFalse(string.IsNullOrWhiteSpace(NativeBlas.CoreName));
        Assert.AreEqual(
            NativeBlas.RunsGenericKernels ? "managed" : "openblas",
            EngineSettings.UseNativeBlas && !EngineSettings.ForceNativeBlas ? EngineSettings.GemmBackend : (NativeBlas.RunsGenericKernels ? "managed" : "openblas"));
    }

    private static void RequireVariant(Variant variant)
    {
        if (variant == Variant.OpenBlas && !NativeBlas.IsAvailable)
        {
            Assert.Inconclusive($"OpenBLAS not installed: apt-get install libopenblas0-pthread ({NativeBlas.LoadError})");
        }

        if (variant == Variant.ManagedVector512 && !Avx512F.IsSupported)
        {
            Assert.Inconclusive("This CPU has no AVX-512; the Vector512 kernel is not used here.");
        }

        if (variant == Variant.ManagedVector256 && !(Avx2.IsSupported && Fma.IsSupported))
        {
            Assert.Inconclusive("This CPU has no AVX2+FMA; the Vector256 kernel is not used here.");
        }
    }

    private static void Run(
        Variant variant, bool transposeA, bool transposeB, int m, int n, int k, float alpha,
        float[] a, int lda, float[] b, int ldb, float beta, float[] c, int ldc)
    {
        (GemmBackend backend, GemmKernel kernel, int threads) = variant switch
        {
            Variant.Managed => (GemmBackend.Managed, GemmKernel.Auto, 1),
            Variant.ManagedTwoThreads => (GemmBackend.Managed, GemmKernel.Auto, 2),
            Variant.ManagedVector512 => (GemmBackend.Managed, GemmKernel.Vector512, 1),
            Variant.ManagedVector256 => (GemmBackend.Managed, GemmKernel.Vector256, 1),
            Variant.ManagedScalar => (GemmBackend.Managed, GemmKernel.Scalar, 1),
            _ => (GemmBackend.OpenBlas, GemmKernel.Auto, 1),
        };
        Gemm.MultiplyOn(backend, kernel, threads, transposeA, transposeB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
    }

    /// <summary>
    /// Runs one product with row strides padded by <paramref name="pad"/>, checks every element against the double reference and
    /// that no padding element of C was written.
    /// </summary>
    private static void CheckAgainstReference(
        Variant variant, bool transposeA, bool transposeB, int m, int n, int k, float alpha, float beta, int pad, Random rng)
    {
        int rowsA = transposeA ? k : m, colsA = transposeA ? m : k;
        int rowsB = transposeB ? n : k, colsB = transposeB ? k : n;
        int lda = Math.Max(1, colsA) + pad, ldb = Math.Max(1, colsB) + pad, ldc = Math.Max(1, n) + pad;

        // Exact-length spans (no trailing padding after the last row), as a caller slicing a tensor would pass.
        float[] a = RandomArray(rowsA == 0 || colsA == 0 ? 0 : ((rowsA - 1) * lda) + colsA, rng);
        float[] b = RandomArray(rowsB == 0 || colsB == 0 ? 0 : ((rowsB - 1) * ldb) + colsB, rng);
        float[] c = new float[m == 0 || n == 0 ? 0 : ((m - 1) * ldc) + n];
        for (int i = 0; i < c.Length; i++)
        {
            c[i] = i % ldc < n ? (float)((rng.NextDouble() * 2) - 1) : Sentinel;
        }

        (double[] expected, double[] bounds) = Reference(transposeA, transposeB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
        Run(variant, transposeA, transposeB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
        for (int i = 0; i < c.Length; i++)
        {
            if (i % ldc >= n)
            {
                Assert.AreEqual(Sentinel, c[i], $"{variant} {m}×{n}×{k} tA={transposeA} tB={transposeB}: padding C[{i}] was written");
                continue;
            }

            double error = Math.Abs(c[i] - expected[i]);
            Assert.IsLessThanOrEqualTo(bounds[i], error, $"{variant} {m}×{n}×{k} tA={transposeA} tB={transposeB} α={alpha} β={beta} pad={pad}: C[{i / ldc},{i % ldc}] = {c[i]}, expected {expected[i]}");
        }
    }

    /// <summary>
    /// The product in double precision, and for each element twice the classic forward-error bound of a float32 evaluation:
    /// γ(k+2)·(|α|·Σₚ|a·b| + |β·c|), γ(n) = n·u/(1 − n·u), u = 2⁻²⁴ (Higham, Accuracy and Stability, §3.5).
    /// </summary>
    private static (double[] Values, double[] Bounds) Reference(
        bool transposeA, bool transposeB, int m, int n, int k, float alpha, float[] a, int lda, float[] b, int ldb, float beta, float[] c, int ldc)
    {
        const double U = 1.0 / (1 << 24);
        double gamma = (k + 2) * U / (1 - ((k + 2) * U));
        double[] values = new double[c.Length];
        double[] bounds = new double[c.Length];
        for (int i = 0; i < m; i++)
        {
            for (int j = 0; j < n; j++)
            {
                double sum = 0;
                double sumAbs = 0;
                for (int p = 0; p < k; p++)
                {
                    double av = transposeA ? a[(p * lda) + i] : a[(i * lda) + p];
                    double bv = transposeB ? b[(j * ldb) + p] : b[(p * ldb) + j];
                    sum += av * bv;
                    sumAbs += Math.Abs(av * bv);
                }

                int index = (i * ldc) + j;
                double old = beta == 0 ? 0 : beta * (double)c[index];
                values[index] = (alpha * sum) + old;
                bounds[index] = (2 * gamma * ((Math.Abs(alpha) * sumAbs) + Math.Abs(old))) + 1e-30;
            }
        }

        return (values, bounds);
    }

    private static float[] RandomArray(int length, Random rng)
    {
        float[] values = new float[length];
        for (int i = 0; i < length; i++)
        {
            values[i] = (float)((rng.NextDouble() * 2) - 1);
        }

        return values;
    }
}
