using System.Runtime.ExceptionServices;

namespace MLGradientInsight.Trainers.Torch.Tracking;

/// <summary>
/// One long-lived background thread that runs one piece of work at a time: <see cref="Start"/> hands it the work, <see cref="Join"/>
/// waits for it and rethrows what it threw. Allocates nothing per run (a Task per step would), and the two events give the
/// memory ordering between the threads.
/// </summary>
internal sealed class BackgroundStep : IDisposable
{
    private readonly Thread _thread;
    private readonly Action _work;
    // The worker waits a whole training step for its next run: spinning first would only take CPU from the training thread.
    private readonly ManualResetEventSlim _go = new(false, spinCount: 0);
    private readonly ManualResetEventSlim _idle = new(true);
    private volatile bool _stopping;
    private ExceptionDispatchInfo? _error;

    /// <summary>Starts the thread; it waits for <see cref="Start"/>.</summary>
    /// <param name="work">The work of one run.</param>
    /// <param name="name">The thread's name (shown by debuggers and profilers).</param>
    public BackgroundStep(Action work, string name)
    {
        _work = work;
        _thread = new Thread(Run) { IsBackground = true, Name = name };
        _thread.Start();
    }

    /// <summary>Gets whether a run is in progress.</summary>
    public bool IsBusy => !_idle.IsSet;

    /// <summary>Runs the work once on the thread; call only when idle (after <see cref="Join"/>).</summary>
    public void Start()
    {
        if (!_idle.IsSet)
        {
            throw new InvalidOperationException("The background step is still running; join it first.");
        }

        _idle.Reset();
        _go.Set();
    }

    /// <summary>Waits until the current run (if any) is done; rethrows the exception it ended with, once.</summary>
    public void Join()
    {
        Wait();
        if (Interlocked.Exchange(ref _error, null) is { } error)
        {
            error.Throw();
        }
    }

    /// <summary>Waits until the current run (if any) is done, without rethrowing.</summary>
    public void Wait() => _idle.Wait();

    /// <summary>Waits for the current run and ends the thread; a pending exception is dropped (call <see cref="Join"/> first to see it).</summary>
    public void Dispose()
    {
        if (_stopping)
        {
            return;
        }

        _idle.Wait();
        _stopping = true;
        _go.Set();
        _thread.Join();
        _go.Dispose();
        _idle.Dispose();
    }

    private void Run()
    {
        while (true)
        {
            _go.Wait();
            _go.Reset();
            if (_stopping)
            {
                return;
            }

            try
            {
                _work();
            }
            catch (Exception e)
            {
                _error = ExceptionDispatchInfo.Capture(e);
            }
            finally
            {
                _idle.Set();
            }
        }
    }
}
