using MLGradientInsight.Trainers.Kernels;

namespace MLGradientInsight.Trainers;

/// <summary>
/// Process-wide settings of the managed training engine: threading and the matrix-multiply backend.
/// </summary>
/// <remarks>
/// <para>
/// Matrix products (<see cref="Gemm.Multiply"/>) run on OpenBLAS when it can be loaded at run time
/// (Debian/Ubuntu: <c>apt-get install libopenblas0-pthread</c>) and <see cref="UseNativeBlas"/> is true;
/// otherwise on the engine's own cache-blocked SIMD kernel. Very small products always use the managed kernel,
/// which is faster there than a native call.
/// </para>
/// <para>
/// The environment variable <c>MLGI_BLAS</c>, read once at start-up, forces a choice:
/// <c>MLGI_BLAS=managed</c> starts with <see cref="UseNativeBlas"/> = false (OpenBLAS is not even loaded);
/// <c>MLGI_BLAS=openblas</c> sends every product, however small, to OpenBLAS when it loads
/// (when it cannot be loaded the engine still falls back to the managed kernel and
/// <see cref="NativeBlasLoadError"/> says why). Any other value, or none, means automatic choice.
/// </para>
/// <para>
/// Determinism: the managed kernel splits work by blocks of the output, never along the summed dimension,
/// so its results are bit-identical run to run and for any <see cref="MaxDegreeOfParallelism"/>.
/// OpenBLAS results can depend on its thread count; set <see cref="MaxDegreeOfParallelism"/> to 1 or
/// <see cref="UseNativeBlas"/> to false when reproducibility across machines matters more than speed.
/// </para>
/// </remarks>
public static class EngineSettings
{
    private static volatile int s_maxDegreeOfParallelism = Environment.ProcessorCount;
    private static volatile bool s_useNativeBlas = ReadBlasChoice() != BlasChoice.Managed;

    /// <summary>Gets or sets the largest number of threads one engine operation may use (default: <see cref="Environment.ProcessorCount"/>).</summary>
    /// <remarks>1 makes every operation single-threaded and fully deterministic. OpenBLAS itself always runs on one thread
    /// (its pthread server spins on <c>sched_yield</c> between calls); with more than one thread allowed, products large enough
    /// to split run on the managed kernel, over the engine's threads.</remarks>
    /// <exception cref="ArgumentOutOfRangeException">The value is zero or negative.</exception>
    public static int MaxDegreeOfParallelism
    {
        get => s_maxDegreeOfParallelism;
        set
        {
            ArgumentOutOfRangeException.ThrowIfNegativeOrZero(value);
            s_maxDegreeOfParallelism = value;
        }
    }

    /// <summary>Gets or sets a value indicating whether large matrix products may use OpenBLAS when it is available
    /// (default: true, unless <c>MLGI_BLAS=managed</c>). False forces the managed kernel.</summary>
    public static bool UseNativeBlas
    {
        get => s_useNativeBlas;
        set => s_useNativeBlas = value;
    }

    /// <summary>Gets a value indicating whether OpenBLAS (<c>cblas_sgemm</c>) was found and loaded.</summary>
    /// <remarks>Reading this property tries to load the library once, unless <c>MLGI_BLAS=managed</c>.</remarks>
    public static bool NativeBlasAvailable => NativeBlas.IsAvailable;

    /// <summary>Gets the file name or path of the loaded BLAS library, or null when none is loaded.</summary>
    public static string? NativeBlasLibrary => NativeBlas.IsAvailable ? NativeBlas.LibraryName : null;

    /// <summary>Gets OpenBLAS's own build description (<c>openblas_get_config</c>, e.g. <c>OpenBLAS 0.3.21 DYNAMIC_ARCH ... SkylakeX</c>), or null.</summary>
    public static string? NativeBlasConfiguration => NativeBlas.IsAvailable ? NativeBlas.Configuration : null;

    /// <summary>Gets why no BLAS library could be loaded (the names tried and how to install one), or null when one is loaded or none was looked for.</summary>
    public static string? NativeBlasLoadError => NativeBlas.IsAvailable ? null : NativeBlas.LoadError;

    /// <summary>Gets the kernel family the loaded OpenBLAS picked for this CPU (<c>openblas_get_corename</c>, e.g. <c>SkylakeX</c>), or null.</summary>
    public static string? NativeBlasCoreName => NativeBlas.IsAvailable ? NativeBlas.CoreName : null;

    /// <summary>Gets the name of the backend that matrix products use with the current settings: <c>"openblas"</c> or <c>"managed"</c>.</summary>
    /// <remarks>"managed" also when OpenBLAS is loaded but runs generic pre-AVX2 kernels on this CPU (see <see cref="NativeBlasCoreName"/>;
    /// <c>OPENBLAS_CORETYPE</c> set before start-up picks its kernels by hand), unless <c>MLGI_BLAS=openblas</c>.</remarks>
    public static string GemmBackend => UseNativeBlas && NativeBlas.IsAvailable && (ForceNativeBlas || !NativeBlas.RunsGenericKernels) ? "openblas" : "managed";

    /// <summary>Gets a value indicating whether <c>MLGI_BLAS=openblas</c> asked for OpenBLAS on every product size.</summary>
    internal static bool ForceNativeBlas { get; } = ReadBlasChoice() == BlasChoice.OpenBlas;

    /// <summary>Gets a value indicating whether <c>MLGI_BLAS=managed</c> forbids loading OpenBLAS.</summary>
    internal static bool NativeBlasDisabledByEnvironment { get; } = ReadBlasChoice() == BlasChoice.Managed;

    private static BlasChoice ReadBlasChoice()
    {
        string? value = Environment.GetEnvironmentVariable("MLGI_BLAS");
        if (string.Equals(value, "managed", StringComparison.OrdinalIgnoreCase))
        {
            return BlasChoice.Managed;
        }

        if (string.Equals(value, "openblas", StringComparison.OrdinalIgnoreCase))
        {
            return BlasChoice.OpenBlas;
        }

        return BlasChoice.Automatic;
    }

    private enum BlasChoice
    {
        Automatic,
        Managed,
        OpenBlas,
    }
}
