using System.Runtime.ExceptionServices;

namespace MLGradientInsight.Trainers.Layers;

/// <summary>
/// A fixed number of independent chunks of work run on the calling thread plus up to
/// <see cref="EngineSettings.MaxDegreeOfParallelism"/> − 1 thread-pool threads, without allocating per run
/// (unlike <see cref="Parallel.For(int, int, Action{int})"/>): the same work item is queued again each time.
/// </summary>
/// <remarks>
/// Which thread runs a chunk varies, but the chunks themselves are fixed by the caller, so a layer that gives every
/// chunk its own output (or its own partial sum, reduced afterwards in chunk order) stays bit-identical run to run and
/// for any degree of parallelism. Not reentrant: one run at a time per instance.
/// </remarks>
internal abstract class ChunkedWork : IThreadPoolWorkItem
{
    private readonly ManualResetEventSlim _done = new(false);
    private int _chunks;
    private int _next;
    private int _remaining;
    private Exception? _error;

    /// <summary>Runs chunks 0 … <paramref name="chunks"/> − 1 and returns when all are done.</summary>
    /// <param name="chunks">The number of chunks.</param>
    /// <exception cref="Exception">The first exception a chunk threw, rethrown.</exception>
    public void Run(int chunks)
    {
        int helpers = Math.Min(EngineSettings.MaxDegreeOfParallelism, chunks) - 1;
        if (helpers <= 0)
        {
            for (int c = 0; c < chunks; c++)
            {
                RunChunk(c);
            }

            return;
        }

        _error = null;
        _done.Reset();
        _chunks = chunks;
        Volatile.Write(ref _remaining, chunks);
        Interlocked.Exchange(ref _next, 0);
        for (int i = 0; i < helpers; i++)
        {
            ThreadPool.UnsafeQueueUserWorkItem(this, preferLocal: false);
        }

        Work();
        _done.Wait();
        if (_error is not null)
        {
            ExceptionDispatchInfo.Throw(_error);
        }
    }

    /// <summary>Runs one chunk.</summary>
    /// <param name="chunk">The chunk index.</param>
    protected abstract void RunChunk(int chunk);

    /// <inheritdoc/>
    void IThreadPoolWorkItem.Execute() => Work();

    private void Work()
    {
        while (true)
        {
            int c = Interlocked.Increment(ref _next) - 1;
            if (c >= Volatile.Read(ref _chunks))
            {
                return;
            }

            try
            {
                RunChunk(c);
            }
            catch (Exception e)
            {
                Interlocked.CompareExchange(ref _error, e, null);
            }

            if (Interlocked.Decrement(ref _remaining) == 0)
            {
                _done.Set();
            }
        }
    }
}
