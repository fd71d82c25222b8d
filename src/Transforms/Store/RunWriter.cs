using System.Diagnostics;
using System.Threading.Channels;
using Microsoft.Data.Sqlite;
using MLGradientInsight.Transforms.Activity;

namespace MLGradientInsight.Transforms.Store;

/// <summary>
/// Records one run into a <see cref="RunStore"/>. Write calls only enqueue: one background thread commits the
/// queue in batches (one transaction per batch, prepared statements reused), so training does not wait on disk.
/// </summary>
/// <remarks>
/// <para>Backpressure: the queue is bounded (<see cref="RunWriterOptions.QueueCapacity"/>); when it is full a
/// write call blocks until the background thread has made room. Rows are never dropped.</para>
/// <para>Crash safety: every committed batch survives the death of the process (SQLite WAL, <c>synchronous=NORMAL</c>);
/// a kill loses at most the batch being collected. The run then stays <c>running</c> until the store is next
/// opened, which finds its writer process gone and marks it <c>interrupted</c>.</para>
/// <para>Finish with <see cref="Complete"/> or <see cref="Fail"/>; disposing an unfinished writer commits what is
/// queued and marks the run <c>interrupted</c>. Write methods may be called from several threads.</para>
/// <para>A writer is an <see cref="IActivitySink"/>: pass it to <see cref="GradientActivityTracker"/> to store layer rows
/// (<c>activity</c>) and, with unit detail, per-unit rows (<c>unit_activity</c>).</para>
/// </remarks>
public sealed class RunWriter : IActivitySink, IDisposable, IAsyncDisposable
{
    private readonly Channel<PendingWrite> _channel;
    private readonly SqliteConnection _connection;
    private readonly RunWriterOptions _options;
    private readonly Task _consumer;
    private readonly object _finishLock = new();
    private SqliteCommand? _insertActivity;
    private SqliteCommand? _insertStep;
    private SqliteCommand? _insertEpoch;
    private SqliteCommand? _insertUnit;
    private SqliteCommand? _insertAdvisorAction;
    private int _advisorActions;
    private SqliteCommand? _heartbeat;
    private volatile Exception? _fault;
    private volatile bool _finished;
    private volatile bool _closing;
    private long _batchNumber;
    private long _totalRows;
    private long _lastStep;

    internal RunWriter(string storePath, string runId, SqliteConnection connection, RunWriterOptions options)
    {
        StorePath = storePath;
        RunId = runId;
        _connection = connection;
        _options = options;
        _channel = Channel.CreateBounded<PendingWrite>(new BoundedChannelOptions(options.QueueCapacity)
        {
            FullMode = BoundedChannelFullMode.Wait,
            SingleReader = true,
            SingleWriter = false,
        });
        PrepareCommands();
        _consumer = Task.Factory.StartNew(Consume, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
    }

    /// <summary>Gets the id of the run being written.</summary>
    public string RunId { get; }

    /// <summary>Gets the path of the store file.</summary>
    public string StorePath { get; }

    /// <summary>Gets the number of rows committed so far.</summary>
    public long CommittedRows => Interlocked.Read(ref _totalRows);

    /// <summary>Enqueues one activity row. Its <see cref="ActivityRecord.Run"/> is ignored: the row belongs to <see cref="RunId"/>.</summary>
    /// <param name="record">The row. A row with the same step and layer as an earlier one replaces it.</param>
    /// <exception cref="ArgumentNullException"><paramref name="record"/> is null.</exception>
    /// <exception cref="InvalidOperationException">The run is finished, or the background writer failed (the inner exception says why).</exception>
    public void WriteActivity(ActivityRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        Enqueue(new PendingWrite(PendingKind.Activity, record));
    }

    /// <summary>Enqueues activity rows (typically all layers of one step, network row first).</summary>
    /// <param name="records">The rows; see <see cref="WriteActivity(ActivityRecord)"/>.</param>
    /// <exception cref="ArgumentNullException">A row is null.</exception>
    /// <exception cref="InvalidOperationException">The run is finished, or the background writer failed.</exception>
    public void WriteActivity(ReadOnlySpan<ActivityRecord> records)
    {
        foreach (ActivityRecord record in records)
        {
            WriteActivity(record);
        }
    }

    /// <summary>Enqueues activity rows (typically all layers of one step, network row first).</summary>
    /// <param name="records">The rows; see <see cref="WriteActivity(ActivityRecord)"/>.</param>
    /// <exception cref="ArgumentNullException"><paramref name="records"/> or a row is null.</exception>
    /// <exception cref="InvalidOperationException">The run is finished, or the background writer failed.</exception>
    public void WriteActivity(IEnumerable<ActivityRecord> records)
    {
        ArgumentNullException.ThrowIfNull(records);
        foreach (ActivityRecord record in records)
        {
            WriteActivity(record);
        }
    }

    /// <summary>Enqueues per-unit activity rows (000 §3.4.4); their <see cref="UnitActivityRecord.Run"/> is ignored.</summary>
    /// <param name="records">The rows. A row with the same step, layer and unit as an earlier one replaces it.</param>
    /// <exception cref="ArgumentNullException">A row is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A step or unit index is negative.</exception>
    /// <exception cref="InvalidOperationException">The run is finished, or the background writer failed.</exception>
    public void WriteUnits(ReadOnlySpan<UnitActivityRecord> records)
    {
        foreach (UnitActivityRecord record in records)
        {
            ArgumentNullException.ThrowIfNull(record, nameof(records));
            ArgumentOutOfRangeException.ThrowIfNegative(record.Step, nameof(records));
            ArgumentOutOfRangeException.ThrowIfNegative(record.Unit, nameof(records));
            Enqueue(new PendingWrite(PendingKind.Unit, null, record.Step, record.Unit, record.Activity) { Text = record.Layer });
        }
    }

    /// <inheritdoc/>
    void IActivitySink.Write(ReadOnlySpan<ActivityRecord> records, ReadOnlySpan<UnitActivityRecord> units)
    {
        WriteActivity(records);
        WriteUnits(units);
    }

    /// <summary>Enqueues one step row.</summary>
    /// <param name="step">The 1-based global step. A second row for the same step replaces the first.</param>
    /// <param name="epoch">The 1-based epoch (0 when unknown).</param>
    /// <param name="loss">The batch loss (NaN when unknown).</param>
    /// <param name="learningRate">The learning rate of the first parameter group (NaN when unknown).</param>
    /// <param name="stepMilliseconds">The duration of the step in milliseconds (NaN when unknown).</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="step"/> or <paramref name="epoch"/> is negative.</exception>
    /// <exception cref="InvalidOperationException">The run is finished, or the background writer failed.</exception>
    public void WriteStep(long step, int epoch, double loss, double learningRate, double stepMilliseconds)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(step);
        ArgumentOutOfRangeException.ThrowIfNegative(epoch);
        Enqueue(new PendingWrite(PendingKind.Step, null, step, epoch, loss, learningRate, stepMilliseconds, double.NaN));
    }

    /// <summary>Enqueues one step row; its <see cref="StepRecord.Run"/> is ignored.</summary>
    /// <param name="record">The step.</param>
    /// <exception cref="ArgumentNullException"><paramref name="record"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException">The step or epoch is negative.</exception>
    /// <exception cref="InvalidOperationException">The run is finished, or the background writer failed.</exception>
    public void WriteStep(StepRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        WriteStep(record.Step, record.Epoch, record.Loss, record.LearningRate, record.StepMilliseconds);
    }

    /// <summary>Enqueues one epoch row; its <see cref="EpochRecord.Run"/> is ignored.</summary>
    /// <param name="record">The epoch. A second row for the same epoch replaces the first.</param>
    /// <exception cref="ArgumentNullException"><paramref name="record"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException">The epoch is negative.</exception>
    /// <exception cref="InvalidOperationException">The run is finished, or the background writer failed.</exception>
    public void WriteEpoch(EpochRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        ArgumentOutOfRangeException.ThrowIfNegative(record.Epoch, nameof(record));
        Enqueue(new PendingWrite(PendingKind.Epoch, null, 0, record.Epoch, record.TrainLoss, record.TrainAccuracy, record.ValidationLoss, record.ValidationAccuracy));
    }

    /// <summary>Enqueues one decision of the closed loop (<c>advisor_actions</c>); its <see cref="AdvisorActionRecord.Run"/> is ignored.</summary>
    /// <param name="record">The decision; decisions keep the order they were written in.</param>
    /// <exception cref="ArgumentNullException"><paramref name="record"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException">The step is negative.</exception>
    /// <exception cref="InvalidOperationException">The run is finished, or the background writer failed.</exception>
    public void WriteAdvisorAction(AdvisorActionRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        ArgumentOutOfRangeException.ThrowIfNegative(record.Step, nameof(record));
        Enqueue(new PendingWrite(PendingKind.AdvisorAction, null, record.Step, Interlocked.Increment(ref _advisorActions)) { Advice = record });
    }

    /// <summary>Blocks until every row written before this call is committed.</summary>
    /// <exception cref="InvalidOperationException">The run is finished, or the background writer failed.</exception>
    public void Flush() => FlushAsync().GetAwaiter().GetResult();

    /// <summary>Completes when every row written before this call is committed.</summary>
    /// <returns>A task that completes after the commit.</returns>
    /// <exception cref="InvalidOperationException">The run is finished, or the background writer failed.</exception>
    public Task FlushAsync()
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Enqueue(new PendingWrite(PendingKind.Flush, null) { Flushed = done });
        return WaitFlushedAsync(done.Task);
    }

    /// <summary>Commits everything queued and marks the run <c>completed</c>. Later calls do nothing.</summary>
    /// <exception cref="InvalidOperationException">The background writer failed; rows may be missing (the inner exception says why).</exception>
    public void Complete() => Finish(RunStatus.Completed, null, throwOnFault: true);

    /// <summary>Commits everything queued and marks the run <c>failed</c> with a message. Later calls do nothing.</summary>
    /// <param name="message">What went wrong (stored in <c>runs.message</c>).</param>
    /// <exception cref="ArgumentNullException"><paramref name="message"/> is null.</exception>
    /// <exception cref="InvalidOperationException">The background writer failed; rows may be missing.</exception>
    public void Fail(string message)
    {
        ArgumentNullException.ThrowIfNull(message);
        Finish(RunStatus.Failed, message, throwOnFault: true);
    }

    /// <summary>
    /// Commits everything queued and marks the run <c>interrupted</c> with a message (the run was stopped on purpose,
    /// e.g. by Ctrl+C or SIGTERM, and what was recorded is valid). Later calls do nothing.
    /// </summary>
    /// <param name="message">What happened, in words (stored in <c>runs.message</c>).</param>
    /// <exception cref="ArgumentNullException"><paramref name="message"/> is null.</exception>
    /// <exception cref="InvalidOperationException">The background writer failed; rows may be missing.</exception>
    public void Interrupt(string message)
    {
        ArgumentNullException.ThrowIfNull(message);
        Finish(RunStatus.Interrupted, message, throwOnFault: true);
    }

    /// <summary>Commits everything queued; an unfinished run is marked <c>interrupted</c>.</summary>
    public void Dispose() =>
        Finish(RunStatus.Interrupted, "The program recording this run stopped before marking it completed or failed; the rows recorded until then are kept.", throwOnFault: false);

    /// <summary>Commits everything queued without blocking the caller; an unfinished run is marked <c>interrupted</c>.</summary>
    /// <returns>A task that completes when the writer is closed.</returns>
    public async ValueTask DisposeAsync()
    {
        _closing = true;
        _channel.Writer.TryComplete();
        await _consumer.ConfigureAwait(false);
        Dispose();
    }

    private async Task WaitFlushedAsync(Task flushed)
    {
        try
        {
            await flushed.ConfigureAwait(false);
        }
        catch (Exception) when (_fault is not null)
        {
            ThrowIfClosed();
            throw;
        }
    }

    private void Enqueue(in PendingWrite item)
    {
        if (_channel.Writer.TryWrite(item))
        {
            return;
        }

        ThrowIfClosed();
        try
        {
            // Full queue: block the producer (backpressure) instead of dropping rows.
            _channel.Writer.WriteAsync(item).AsTask().GetAwaiter().GetResult();
        }
        catch (ChannelClosedException)
        {
            ThrowIfClosed();
            throw;
        }
    }

    private void ThrowIfClosed()
    {
        if (_fault is { } fault)
        {
            throw new InvalidOperationException(
                $"The writer of run '{RunId}' in '{StorePath}' stopped: {fault.Message} Check that the disk is not full and the file is writable; rows after the last committed batch are lost.",
                fault);
        }

        if (_closing || _finished || _channel.Reader.Completion.IsCompleted)
        {
            throw new InvalidOperationException($"Run '{RunId}' is finished; nothing more can be written to it. Start a new run with RunStore.StartRun.");
        }
    }

    private void Finish(RunStatus status, string? message, bool throwOnFault)
    {
        lock (_finishLock)
        {
            if (_finished)
            {
                return;
            }

            _closing = true;
            _channel.Writer.TryComplete();
            try
            {
                _consumer.GetAwaiter().GetResult();
            }
            catch (Exception e)
            {
                _fault ??= e;
            }

            _finished = true;
            Exception? fault = _fault;
            try
            {
                if (fault is null)
                {
                    MarkFinished(status, message);
                }
                else
                {
                    TryMarkFinished(RunStatus.Failed, $"The run writer stopped: {fault.Message}");
                }
            }
            catch (Exception e) when (e is SqliteException or InvalidOperationException)
            {
                fault ??= e;
            }
            finally
            {
                DisposeCommands();
                _connection.Dispose();
            }

            if (fault is not null && throwOnFault)
            {
                throw new InvalidOperationException(
                    $"The writer of run '{RunId}' in '{StorePath}' stopped: {fault.Message} Rows after the last committed batch are lost; check that the disk is not full and the file is writable.",
                    fault);
            }
        }
    }

    private void MarkFinished(RunStatus status, string? message)
    {
        using SqliteCommand command = _connection.CreateCommand();
        command.CommandText = "UPDATE runs SET status = $status, message = $message, ended_utc = $now, heartbeat_utc = $now WHERE id = $id";
        command.Parameters.AddWithValue("$status", SqliteValues.ToDb(status));
        command.Parameters.AddWithValue("$message", (object?)message ?? DBNull.Value);
        command.Parameters.AddWithValue("$now", SqliteValues.FormatTime(DateTime.UtcNow));
        command.Parameters.AddWithValue("$id", RunId);
        command.ExecuteNonQuery();
    }

    private void TryMarkFinished(RunStatus status, string message)
    {
        try
        {
            MarkFinished(status, message);
        }
        catch (SqliteException)
        {
            // The store is unusable (that is why the writer stopped); the next open marks the run interrupted.
        }
    }

    private void Consume()
    {
        ChannelReader<PendingWrite> reader = _channel.Reader;
        var flushed = new List<TaskCompletionSource>();
        try
        {
            while (true)
            {
                if (!reader.TryRead(out PendingWrite first))
                {
                    if (!reader.WaitToReadAsync().AsTask().GetAwaiter().GetResult())
                    {
                        return;
                    }

                    continue;
                }

                CommitBatch(reader, first, flushed);
            }
        }
        catch (Exception e)
        {
            _fault = e;
            _channel.Writer.TryComplete(e);
            foreach (TaskCompletionSource done in flushed)
            {
                done.TrySetException(e);
            }

            while (reader.TryRead(out PendingWrite rest))
            {
                rest.Flushed?.TrySetException(e);
            }
        }
    }

    private void CommitBatch(ChannelReader<PendingWrite> reader, PendingWrite first, List<TaskCompletionSource> flushed)
    {
        long started = Stopwatch.GetTimestamp();
        int rows = 0;
        long lastStep = _lastStep;
        using (SqliteTransaction transaction = _connection.BeginTransaction())
        {
            _insertActivity!.Transaction = transaction;
            _insertStep!.Transaction = transaction;
            _insertEpoch!.Transaction = transaction;
            _insertUnit!.Transaction = transaction;
            _insertAdvisorAction!.Transaction = transaction;
            _heartbeat!.Transaction = transaction;

            PendingWrite item = first;
            while (true)
            {
                if (item.Kind == PendingKind.Flush)
                {
                    flushed.Add(item.Flushed!);
                    break;
                }

                rows++;
                Apply(item, ref lastStep);
                if (rows >= _options.MaxBatchRows)
                {
                    break;
                }

                if (reader.TryRead(out item))
                {
                    continue;
                }

                TimeSpan remaining = _options.CommitInterval - Stopwatch.GetElapsedTime(started);
                if (remaining <= TimeSpan.Zero || !WaitForMore(reader, remaining) || !reader.TryRead(out item))
                {
                    break;
                }
            }

            _heartbeat.Parameters[0].Value = SqliteValues.FormatTime(DateTime.UtcNow);
            _heartbeat.ExecuteNonQuery();
            transaction.Commit();
        }

        _lastStep = lastStep;
        if (rows > 0)
        {
            long batch = ++_batchNumber;
            long total = Interlocked.Add(ref _totalRows, rows);
            _options.BatchCommitted?.Invoke(new CommittedBatch(batch, rows, total, lastStep));
        }

        foreach (TaskCompletionSource done in flushed)
        {
            done.TrySetResult();
        }

        flushed.Clear();
    }

    private static bool WaitForMore(ChannelReader<PendingWrite> reader, TimeSpan timeout)
    {
        ValueTask<bool> wait = reader.WaitToReadAsync();
        if (wait.IsCompleted)
        {
            return wait.Result;
        }

        Task<bool> task = wait.AsTask();
        return task.Wait(timeout) && task.Result;
    }

    private void Apply(in PendingWrite item, ref long lastStep)
    {
        switch (item.Kind)
        {
            case PendingKind.Activity:
            {
                ActivityRecord r = item.Activity!;
                ActivityTable.Bind(_insertActivity!.Parameters, r);
                _insertActivity.ExecuteNonQuery();
                lastStep = Math.Max(lastStep, r.Step);
                break;
            }

            case PendingKind.Step:
            {
                SqliteParameterCollection p = _insertStep!.Parameters;
                p[0].Value = item.Step;
                p[1].Value = item.Epoch;
                p[2].Value = SqliteValues.ToDb(item.A);
                p[3].Value = SqliteValues.ToDb(item.B);
                p[4].Value = SqliteValues.ToDb(item.C);
                _insertStep.ExecuteNonQuery();
                lastStep = Math.Max(lastStep, item.Step);
                break;
            }

            case PendingKind.Epoch:
            {
                SqliteParameterCollection p = _insertEpoch!.Parameters;
                p[0].Value = item.Epoch;
                p[1].Value = SqliteValues.ToDb(item.A);
                p[2].Value = SqliteValues.ToDb(item.B);
                p[3].Value = SqliteValues.ToDb(item.C);
                p[4].Value = SqliteValues.ToDb(item.D);
                _insertEpoch.ExecuteNonQuery();
                break;
            }

            case PendingKind.Unit:
            {
                SqliteParameterCollection p = _insertUnit!.Parameters;
                p[0].Value = item.Step;
                p[1].Value = item.Text;
                p[2].Value = item.Epoch;
                p[3].Value = SqliteValues.ToDb(item.A);
                _insertUnit.ExecuteNonQuery();
                lastStep = Math.Max(lastStep, item.Step);
                break;
            }

            case PendingKind.AdvisorAction:
            {
                AdvisorActionRecord a = item.Advice!;
                SqliteParameterCollection p = _insertAdvisorAction!.Parameters;
                p[0].Value = item.Epoch;
                p[1].Value = a.Step;
                p[2].Value = a.Action;
                p[3].Value = a.Outcome;
                p[4].Value = SqliteValues.ToDb(a.OldLearningRate);
                p[5].Value = SqliteValues.ToDb(a.NewLearningRate);
                p[6].Value = a.Evidence;
                _insertAdvisorAction.ExecuteNonQuery();
                break;
            }

            default:
                throw new UnreachableException($"Unexpected pending write kind {item.Kind}.");
        }
    }

    private void PrepareCommands()
    {
        _insertActivity = Prepare(ActivityTable.InsertSql(replace: true), ActivityColumns.All.Length - 1);
        _insertStep = Prepare(
            "INSERT OR REPLACE INTO steps (run_id, step, epoch, loss, learning_rate, step_ms) VALUES ($run, $p0, $p1, $p2, $p3, $p4)",
            5);
        _insertEpoch = Prepare(
            "INSERT OR REPLACE INTO epochs (run_id, epoch, train_loss, train_accuracy, val_loss, val_accuracy) VALUES ($run, $p0, $p1, $p2, $p3, $p4)",
            5);
        _insertUnit = Prepare(
            "INSERT OR REPLACE INTO unit_activity (run_id, step, layer, unit, activity) VALUES ($run, $p0, $p1, $p2, $p3)",
            4);
        _insertAdvisorAction = Prepare(
            "INSERT OR REPLACE INTO advisor_actions (run_id, seq, step, action, outcome, old_lr, new_lr, evidence) VALUES ($run, $p0, $p1, $p2, $p3, $p4, $p5, $p6)",
            7);
        _heartbeat = Prepare("UPDATE runs SET heartbeat_utc = $p0 WHERE id = $run", 1);
    }

    private SqliteCommand Prepare(string sql, int parameterCount)
    {
        SqliteCommand command = _connection.CreateCommand();
        command.CommandText = sql;

        // Positional parameters first (the Apply methods index them), the run id last.
        for (int i = 0; i < parameterCount; i++)
        {
            command.Parameters.Add(new SqliteParameter($"$p{i}", DBNull.Value));
        }

        command.Parameters.AddWithValue("$run", RunId);
        command.Prepare();
        return command;
    }

    private void DisposeCommands()
    {
        _insertActivity?.Dispose();
        _insertStep?.Dispose();
        _insertEpoch?.Dispose();
        _insertUnit?.Dispose();
        _insertAdvisorAction?.Dispose();
        _heartbeat?.Dispose();
    }

    private enum PendingKind : byte
    {
        Activity,
        Step,
        Epoch,
        Unit,
        AdvisorAction,
        Flush,
    }

    /// <summary>One queued write; a struct so that enqueuing a step allocates nothing. For unit rows <see cref="Epoch"/> holds the unit index.</summary>
    private readonly record struct PendingWrite(
        PendingKind Kind,
        ActivityRecord? Activity,
        long Step = 0,
        int Epoch = 0,
        double A = double.NaN,
        double B = double.NaN,
        double C = double.NaN,
        double D = double.NaN)
    {
        public TaskCompletionSource? Flushed { get; init; }

        public string? Text { get; init; }

        public AdvisorActionRecord? Advice { get; init; }
    }
}
