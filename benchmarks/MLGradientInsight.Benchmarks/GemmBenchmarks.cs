using System.Globalization;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;
using MLGradientInsight.Trainers.Kernels;

namespace MLGradientInsight.Benchmarks;

/// <summary>
/// Matrix multiply on the engine's shapes: managed kernel vs OpenBLAS, 1 and 2 threads, with a GFLOP/s column (2·m·n·k / mean).
/// </summary>
/// <remarks>
/// <para>Shapes (op(A) m×k times op(B) k×n; N/T = not transposed/transposed, A then B):</para>
/// <list type="bullet">
/// <item><c>NT 64x120x576</c>: LeNet-5 batch 64, a fully connected forward (x·Wᵀ).</item>
/// <item><c>NN 6x57600x9</c>, <c>NN 16x10816x54</c>: im2col convolutions (conv1 3×3 on 1 channel over 64·900 positions; 6→16 channels 3×3 over 64·169).</item>
/// <item><c>NN 64x256x784</c>, <c>TN 256x784x64</c>, <c>NN 64x784x256</c>: MLP 784-256-128-10, batch 64: forward of fc1 (as NN), its weight gradient dyᵀ·x, its input gradient dy·W.</item>
/// <item><c>NN 512x512x512</c>, <c>NN 257x257x257</c>: a square reference and an odd size that is not a multiple of any vector width.</item>
/// </list>
/// <para>Restrict the shapes with the environment variable <c>MLGI_GEMM_SHAPES</c> (comma-separated, e.g.
/// <c>MLGI_GEMM_SHAPES="NN 64x256x784,NN 6x57600x9"</c>): BenchmarkDotNet's <c>--filter</c> selects methods, not parameters.</para>
/// <para>Run: <c>dotnet run -c Release --project benchmarks/MLGradientInsight.Benchmarks -- --filter '*Gemm*'</c>.
/// The OpenBLAS method fails its cases (GlobalSetup throws) when OpenBLAS is not installed.</para>
/// </remarks>
[MemoryDiagnoser]
[Config(typeof(GflopsConfig))]
public class GemmBenchmarks
{
    private static readonly string[] s_allShapes =
    [
        "NT 64x120x576",
        "NN 6x57600x9",
        "NN 16x10816x54",
        "NN 64x256x784",
        "TN 256x784x64",
        "NN 64x784x256",
        "NN 512x512x512",
        "NN 257x257x257",
    ];

    private float[] _a = [];
    private float[] _b = [];
    private float[] _c = [];
    private GemmShape _shape;

    /// <summary>Gets or sets the product: transposes then m×n×k.</summary>
    [ParamsSource(nameof(Shapes))]
    public string Shape { get; set; } = "NN 64x256x784";

    /// <summary>Gets or sets the thread count (managed kernel: MaxDegreeOfParallelism; OpenBLAS: openblas_set_num_threads).</summary>
    [Params(1, 2)]
    public int Threads { get; set; } = 1;

    /// <summary>Gets the shapes to run: all of them, or those named in <c>MLGI_GEMM_SHAPES</c>.</summary>
    public static IEnumerable<string> Shapes
    {
        get
        {
            string? chosen = Environment.GetEnvironmentVariable("MLGI_GEMM_SHAPES");
            return string.IsNullOrWhiteSpace(chosen)
                ? s_allShapes
                : chosen.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        }
    }

    /// <summary>Builds seeded operands for <see cref="Shape"/>.</summary>
    [GlobalSetup]
    public void Setup()
    {
        _shape = GemmShape.Parse(Shape);
        var rng = new Random(42);
        _a = RandomArray(_shape.M * _shape.K, rng);
        _b = RandomArray(_shape.K * _shape.N, rng);
        _c = new float[_shape.M * _shape.N];
    }

    /// <summary>Sets OpenBLAS's thread count before its cases (it is process-wide).</summary>
    [GlobalSetup(Target = nameof(OpenBlas))]
    public void SetupOpenBlas()
    {
        Setup();
        if (!NativeBlas.IsAvailable)
        {
            throw new InvalidOperationException($"OpenBLAS not available: {NativeBlas.LoadError}");
        }

        NativeBlas.SetThreadCount(Threads);
    }

    /// <summary>The managed blocked SIMD kernel.</summary>
    /// <returns>One element of C.</returns>
    [Benchmark(Baseline = true)]
    public float Managed()
    {
        GemmShape s = _shape;
        Gemm.MultiplyOn(GemmBackend.Managed, GemmKernel.Auto, Threads, s.TransposeA, s.TransposeB, s.M, s.N, s.K, 1f, _a, s.Lda, _b, s.Ldb, 0f, _c, s.N);
        return _c[^1];
    }

    /// <summary>OpenBLAS <c>cblas_sgemm</c>.</summary>
    /// <returns>One element of C.</returns>
    [Benchmark]
    public float OpenBlas()
    {
        GemmShape s = _shape;
        Gemm.MultiplyOn(GemmBackend.OpenBlas, GemmKernel.Auto, Threads, s.TransposeA, s.TransposeB, s.M, s.N, s.K, 1f, _a, s.Lda, _b, s.Ldb, 0f, _c, s.N);
        return _c[^1];
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

    /// <summary>A parsed shape such as <c>NT 64x120x576</c>.</summary>
    private readonly record struct GemmShape(bool TransposeA, bool TransposeB, int M, int N, int K)
    {
        public int Lda => TransposeA ? M : K;

        public int Ldb => TransposeB ? K : N;

        public long Flops => 2L * M * N * K;

        public static GemmShape Parse(string text)
        {
            string[] parts = text.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            string[] dims = parts[^1].Split('x');
            if (dims.Length != 3 || (parts.Length == 2 && parts[0].Length != 2))
            {
                throw new FormatException($"Shape '{text}' is not like 'NT 64x120x576' (transposes of A and B, then m x n x k).");
            }

            bool transposeA = parts.Length == 2 && parts[0][0] == 'T';
            bool transposeB = parts.Length == 2 && parts[0][1] == 'T';
            return new GemmShape(
                transposeA,
                transposeB,
                int.Parse(dims[0], CultureInfo.InvariantCulture),
                int.Parse(dims[1], CultureInfo.InvariantCulture),
                int.Parse(dims[2], CultureInfo.InvariantCulture));
        }
    }

    /// <summary>Adds the GFLOP/s column.</summary>
    private sealed class GflopsConfig : ManualConfig
    {
        public GflopsConfig()
        {
            AddColumn(new GflopsColumn());
        }
    }

    /// <summary>2·m·n·k divided by the mean time, in GFLOP/s.</summary>
    private sealed class GflopsColumn : IColumn
    {
        public string Id => nameof(GflopsColumn);

        public string ColumnName => "GFLOP/s";

        public bool AlwaysShow => true;

        public ColumnCategory Category => ColumnCategory.Custom;

        public int PriorityInCategory => 0;

        public bool IsNumeric => true;

        public UnitType UnitType => UnitType.Dimensionless;

        public string Legend => "Billions of floating-point operations per second: 2·m·n·k / mean time";

        public string GetValue(Summary summary, BenchmarkCase benchmarkCase) => GetValue(summary, benchmarkCase, SummaryStyle.Default);

        public string GetValue(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style)
        {
            BenchmarkReport? report = summary[benchmarkCase];
            object? shape = benchmarkCase.Parameters[nameof(Shape)];
            if (report?.ResultStatistics is null || shape is not string text)
            {
                return "-";
            }

            double seconds = report.ResultStatistics.Mean / 1e9;
            return (GemmShape.Parse(text).Flops / seconds / 1e9).ToString("F1", CultureInfo.InvariantCulture);
        }

        public bool IsDefault(Summary summary, BenchmarkCase benchmarkCase) => false;

        public bool IsAvailable(Summary summary) => true;
    }
}
