using System.Runtime.InteropServices;
using System.Runtime.Intrinsics.X86;

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

    // OpenBLAS DYNAMIC_ARCH kernel families without AVX2 (names as openblas_get_corename spells them).
    private static readonly HashSet<string> s_preAvx2Cores = new(StringComparer.OrdinalIgnoreCase)
    {
        "Prescott", "Core2", "Penryn", "Dunnington", "Nehalem", "Sandybridge", "Atom", "Katmai", "Coppermine", "Northwood",
        "Banias", "Opteron", "Opteron_SSE3", "Barcelona", "Bobcat", "Bulldozer", "Piledriver", "Steamroller", "Excavator",
    };

    private static readonly Lazy<State> s_state = new(Load, LazyThreadSafetyMode.ExecutionAndPublication);

    /// <summary>Gets a value indicating whether <c>cblas_sgemm</c> was loaded (loads on first call unless <c>MLGI_BLAS=managed</c>).</summary>
    public static bool IsAvailable => s_state.Value.Sgemm != null;

    /// <summary>Gets the name or path that loaded, or null.</summary>
    public static string? LibraryName => s_state.Value.LibraryName;

    /// <summary>Gets <c>openblas_get_config()</c>, or null when the library does not export it.</summary>
    public static string? Configuration => s_state.Value.Configuration;

    /// <summary>Gets <c>openblas_get_corename()</c> (the kernel family a DYNAMIC_ARCH build picked for this CPU, e.g. <c>SkylakeX</c>), or null.</summary>
    public static string? CoreName => s_state.Value.CoreName;

    /// <summary>
    /// Gets a value indicating whether the loaded OpenBLAS runs kernels older than this CPU's vector units: a DYNAMIC_ARCH
    /// build that does not know the CPU model falls back to a generic core (OpenBLAS 0.3.21 on Emerald Rapids, CPU model 207:
    /// <c>Prescott</c>, SSE3 only), measured 2–5× slower than the managed kernel on every LeNet-5 product.
    /// </summary>
    public static bool RunsGenericKernels => IsAvailable && IsGenericCore(CoreName, Avx2.IsSupported && Fma.IsSupported);

    /// <summary>Gets why nothing loaded, or null.</summary>
    public static string? LoadError => s_state.Value.LoadError;

    /// <summary>Gets the library names and paths tried, in order.</summary>
    internal static IReadOnlyList<string> Candidates { get; } = BuildCandidates();

    /// <summary>Passes a thread count to OpenBLAS (<c>openblas_set_num_threads</c>) if the library is already loaded and exports it.</summary>
    /// <remarks>The engine itself keeps OpenBLAS at one thread (see <see cref="Load"/>); benchmarks call this to compare.</remarks>
    /// <param name="threads">The thread count (≥ 1).</param>
    public static void SetThreadCount(int threads)
    {
        if (s_state.IsValueCreated && s_state.Value.SetNumThreads != null)
        {
            s_state.Value.SetNumThreads(threads);
        }
    }

    /// <summary>Gets OpenBLAS's current thread count (<c>openblas_get_num_threads</c>), or null when not loaded or not exported.</summary>
    public static int? ThreadCount => IsAvailable && s_state.Value.GetNumThreads != null ? s_state.Value.GetNumThreads() : null;

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

    /// <summary>Whether an OpenBLAS core name is a pre-AVX2 kernel family while the CPU has AVX2 and FMA.</summary>
    /// <param name="coreName">The name <c>openblas_get_corename</c> returned, or null when the library does not say.</param>
    /// <param name="cpuHasAvx2">Whether this CPU has AVX2 and FMA.</param>
    /// <returns>True when OpenBLAS would leave the CPU's AVX2/AVX-512 units unused.</returns>
    internal static bool IsGenericCore(string? coreName, bool cpuHasAvx2) =>
        cpuHasAvx2 && coreName is not null && s_preAvx2Cores.Contains(coreName.Trim());

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
                // One thread: the engine splits work over its own threads (convolutions by sample, large products in the
                // managed kernel). OpenBLAS's pthread server keeps its threads spinning on sched_yield between calls:
                // with 2 threads on 2 cores that was 304,670 sched_yield calls and 4 s of kernel time in a LeNet-5 epoch.
                state.SetNumThreads = (delegate* unmanaged[Cdecl]<int, void>)setThreads;
                state.SetNumThreads(1);
            }

            if (NativeLibrary.TryGetExport(handle, "openblas_get_num_threads", out nint getThreads))
            {
                state.GetNumThreads = (delegate* unmanaged[Cdecl]<int>)getThreads;
            }

            if (NativeLibrary.TryGetExport(handle, "openblas_get_corename", out nint getCoreName))
            {
                byte* core = ((delegate* unmanaged[Cdecl]<byte*>)getCoreName)();
                state.CoreName = core == null ? null : Marshal.PtrToStringUTF8((nint)core)?.Trim();
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

        public string? CoreName { get; set; }

        public string? LoadError { get; init; }

        public delegate* unmanaged[Cdecl]<int, int, int, int, int, int, float, float*, int, float*, int, float, float*, int, void> Sgemm { get; init; }

        public delegate* unmanaged[Cdecl]<int, void> SetNumThreads { get; set; }

        public delegate* unmanaged[Cdecl]<int> GetNumThreads { get; set; }
    }
}
