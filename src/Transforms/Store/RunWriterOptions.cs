namespace MLGradientInsight.Transforms.Store;

/// <summary>Options of a <see cref="RunWriter"/>: queue size, batching and a commit callback.</summary>
public sealed class RunWriterOptions
{
    /// <summary>Gets the default options.</summary>
    public static RunWriterOptions Default { get; } = new();

    /// <summary>
    /// Gets the number of pending rows the writer queues before a write call blocks (default 65 536).
    /// When the disk cannot keep up, training waits rather than losing data.
    /// </summary>
    public int QueueCapacity { get; init; } = 65_536;

    /// <summary>Gets the largest number of rows committed in one transaction (default 8 192).</summary>
    public int MaxBatchRows { get; init; } = 8_192;

    /// <summary>
    /// Gets how long a batch stays open collecting rows before it is committed (default 200 ms). A crash loses at
    /// most the rows of this interval (or of <see cref="MaxBatchRows"/>); <see cref="RunWriter.Flush"/> commits at once.
    /// </summary>
    public TimeSpan CommitInterval { get; init; } = TimeSpan.FromMilliseconds(200);

    /// <summary>
    /// Gets a callback invoked on the writer's background thread after each committed batch, or null.
    /// It must be quick and must not call the writer; an exception it throws stops the writer like a write error.
    /// </summary>
    public Action<CommittedBatch>? BatchCommitted { get; init; }

    /// <summary>Throws when an option is out of range.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A size is not positive or the interval is negative.</exception>
    internal void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(QueueCapacity);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(MaxBatchRows);
        ArgumentOutOfRangeException.ThrowIfLessThan(CommitInterval, TimeSpan.Zero);
    }
}
