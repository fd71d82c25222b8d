using System.Numerics.Tensors;
using BenchmarkDotNet.Attributes;

namespace MLGradientInsight.Benchmarks;

/// <summary>
/// STREAM triad a[i] = b[i] + s·c[i] on float arrays of 64 MB each, on 2 threads: the memory-bandwidth yardstick
/// for <see cref="ActivityTrackerBenchmarks"/> (named Activity… so that <c>--filter *Activity*</c> runs both together).
/// </summary>
[MemoryDiagnoser]
[Config(typeof(TriadConfig))]
public class ActivityStreamTriadBenchmarks
{
    /// <summary>Floats per array: 64 MiB.</summary>
    public const int Length = 16 * 1024 * 1024;

    /// <summary>Bytes moved per triad: read b and c, write a (write-allocate traffic not counted, as in STREAM).</summary>
    public const double BytesPerOperation = 12.0 * Length;

    private const int Threads = 2;
    private float[] _a = [];
    private float[] _b = [];
    private float[] _c = [];

    /// <summary>Allocates and fills the arrays (seeded).</summary>
    [GlobalSetup]
    public void Setup()
    {
        var rng = new Random(7);
        _a = new float[Length];
        _b = new float[Length];
        _c = new float[Length];
        for (int i = 0; i < Length; i++)
        {
            _b[i] = (float)rng.NextDouble();
            _c[i] = (float)rng.NextDouble();
        }
    }

    /// <summary>One triad over the arrays, split in 2 halves on 2 threads.</summary>
    /// <returns>One element of the result.</returns>
    [Benchmark]
    public float Triad()
    {
        Parallel.For(0, Threads, new ParallelOptions { MaxDegreeOfParallelism = Threads }, part =>
        {
            int size = Length / Threads, start = part * size;
            TensorPrimitives.MultiplyAdd(_c.AsSpan(start, size), 3f, _b.AsSpan(start, size), _a.AsSpan(start, size));
        });
        return _a[Length / 3];
    }

    private sealed class TriadConfig : BenchmarkDotNet.Configs.ManualConfig
    {
        public TriadConfig() => AddColumn(new BandwidthColumn());
    }
}
