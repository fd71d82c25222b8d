using System.Runtime.InteropServices;

namespace MLGradientInsight.Trainers.Kernels;

/// <summary>
/// OpenBLAS (or any CBLAS library exporting <c>cblas_sgemm</c>) loaded at run time, called through unmanaged function pointers.
/// </summary>
/// <remarks>
/// Nothing is linked at build time: the library is looked for once, on first use, under several names and Debian/Ubuntu
/// paths. When none loads, <see cref="IsAvailable"/> is false and callers use <see cref="ManagedGemm"/>.
/// Callers must validate arguments first: a CBLAS library reports bad arguments by printing to stderr, not by throwing.
/// </remarks>
internal static unsafe class NativeBlas
{
    private const int CblasRowMajor = 101;
    private const int CblasNoTrans = 111;
    private const int CblasTrans = 112;

    private static readonly Lazy<State> s_state = new(Load, LazyThreadSafetyMode.ExecutionAndPublication);

    /// <summary>Gets a value indicating whether <c>cblas_sgemm</c> was loaded (loads on first call unless <c>MLGI_BLAS=managed</c>).</summary>
    public static bool IsAvailable => s_state.Value.Sgemm != null;

    /// <summary>Gets the name or path that loaded, or null.</summary>
    public static string? LibraryName => s_state.Value.LibraryName;

    /// <summary>Gets <c>openblas_get_config()</c>, or null when the library does not export it.</summary>
    public static string? Configuration => s_state.Value.Configuration;

    /// <summary>Gets why nothing loaded, or null.</summary>
    public static string? LoadError => s_state.Value.LoadError;

    /// <summary>Gets the library names and paths tried, in order.</summary>
    internal static IReadOnlyList<string> Candidates { get; } = BuildCandidates();

    /// <summary>Passes a thread count to OpenBLAS (<c>openblas_set_num_threads</c>) if the library is already loaded and exports it.</summary>
    /// <param name="threads">The thread count (≥ 1).</param>
    public static void SetThreadCount(int threads)
    {
        if (s_state.IsValueCreated && s_state.Value.SetNumThreads != null)
        {
            s_state.Value.SetNumThreads(threads);
        }
    }

    /// <summary>
    /// Row-major <c>cblas_sgemm</c> on validated arguments: C ← α·op(A)·op(B) + β·C.
    /// </summary>
    /// <param name="transposeA">Use Aᵀ.</param>
    /// <param name="transposeB">Use Bᵀ.</param>
    /// <param name="m">Rows of C (≥ 1).</param>
    /// <param name="n">Columns of C (≥ 1).</param>
    /// <param name="k">Inner dimension (≥ 1).</param>
    /// <param name="alpha">Scale of the product.</param>
    /// <param name="a">A.</param>
    /// <param name="lda">Row stride of A.</param>
    /// <param name="b">B.</param>
    /// <param name="ldb">Row stride of B.</param>
    /// <param name="beta">Scale of C.</param>
    /// <param name="c">C.</param>
    /// <param name="ldc">Row stride of C.</param>
    /// <exception cref="InvalidOperationException">No BLAS library is loaded.</exception>
    public static void Sgemm(
        bool transposeA, bool transposeB, int m, int n, int k, float alpha,
        ReadOnlySpan<float> a, int lda, ReadOnlySpan<float> b, int ldb, float beta, Span<float> c, int ldc)
    {
        delegate* unmanaged[Cdecl]<int, int, int, int, int, int, float, float*, int, float*, int, float, float*, int, void> sgemm = s_state.Value.Sgemm;
        if (sgemm == null)
        {
            ThrowNotAvailable();
        }

        fixed (float* pa = a)
        fixed (float* pb = b)
        fixed (float* pc = c)
        {
            sgemm(
                CblasRowMajor, transposeA ? CblasTrans : CblasNoTrans, transposeB ? CblasTrans : CblasNoTrans,
                m, n, k, alpha, pa, lda, pb, ldb, beta, pc, ldc);
        }
    }

    private static void ThrowNotAvailable() =>
        throw new InvalidOperationException($"No BLAS library is loaded ({LoadError}). Check EngineSettings.NativeBlasAvailable before calling.");

    private static List<string> BuildCandidates()
    {
        var names = new List<string>();
        if (OperatingSystem.IsLinux())
        {
            string multiarch = RuntimeInformation.ProcessArchitecture switch
            {
                Architecture.X64 => "x86_64-linux-gnu",
                Architecture.Arm64 => "aarch64-linux-gnu",
                _ => string.Empty,
            };
            if (multiarch.Length > 0)
            {
                names.Add($"/usr/lib/{multiarch}/libopenblas.so.0");
                names.Add($"/usr/lib/{multiarch}/openblas-pthread/libopenblas.so.0");
                names.Add($"/usr/lib/{multiarch}/openblas-openmp/libopenblas.so.0");
                names.Add($"/usr/lib/{multiarch}/openblas-serial/libopenblas.so.0");
            }

            names.Add("/usr/lib64/libopenblas.so.0");
            names.Add("/usr/lib64/libopenblasp.so.0");
            names.Add("libopenblas.so.0");
            names.Add("libopenblas.so");
            if (multiarch.Length > 0)
            {
                // The BLAS alternative: on Debian it points at OpenBLAS when that is installed, and exports cblas_sgemm.
                names.Add($"/usr/lib/{multiarch}/libblas.so.3");
            }

            names.Add("libblas.so.3");
            names.Add("libcblas.so.3");
        }
        else if (OperatingSystem.IsMacOS())
        {
            names.Add("/opt/homebrew/opt/openblas/lib/libopenblas.dylib");
            names.Add("/usr/local/opt/openblas/lib/libopenblas.dylib");
            names.Add("libopenblas.dylib");
        }
        else if (OperatingSystem.IsWindows())
        {
            names.Add("libopenblas.dll");
            names.Add("openblas.dll");
        }

        return names;
    }

    private static State Load()
    {
        if (EngineSettings.NativeBlasDisabledByEnvironment)
        {
            return new State { LoadError = "MLGI_BLAS=managed: OpenBLAS not loaded" };
        }

        foreach (string name in Candidates)
        {
            if (Path.IsPathRooted(name) && !File.Exists(name))
            {
                continue;
            }

            if (!NativeLibrary.TryLoad(name, out nint handle))
            {
                continue;
            }

            if (!NativeLibrary.TryGetExport(handle, "cblas_sgemm", out nint sgemm))
            {
                NativeLibrary.Free(handle);
                continue;
            }

            var state = new State
            {
                LibraryName = name,
                Sgemm = (delegate* unmanaged[Cdecl]<int, int, int, int, int, int, float, float*, int, float*, int, float, float*, int, void>)sgemm,
            };
            if (NativeLibrary.TryGetExport(handle, "openblas_set_num_threads", out nint setThreads))
            {
                state.SetNumThreads = (delegate* unmanaged[Cdecl]<int, void>)setThreads;
                state.SetNumThreads(EngineSettings.MaxDegreeOfParallelism);
            }

            if (NativeLibrary.TryGetExport(handle, "openblas_get_config", out nint getConfig))
            {
                byte* config = ((delegate* unmanaged[Cdecl]<byte*>)getConfig)();
                state.Configuration = config == null ? null : Marshal.PtrToStringUTF8((nint)config)?.Trim();
            }

            // The handle stays open for the life of the process: the function pointers point into it.
            return state;
        }

        return new State
        {
            LoadError = $"no library exporting cblas_sgemm found (tried {string.Join(", ", Candidates)}); "
                + "install OpenBLAS, e.g. apt-get install libopenblas0-pthread",
        };
    }

    private sealed class State
    {
        public string? LibraryName { get; init; }

        public string? Configuration { get; set; }

        public string? LoadError { get; init; }

        public delegate* unmanaged[Cdecl]<int, int, int, int, int, int, float, float*, int, float*, int, float, float*, int, void> Sgemm { get; init; }

        public delegate* unmanaged[Cdecl]<int, void> SetNumThreads { get; set; }
    }
}
