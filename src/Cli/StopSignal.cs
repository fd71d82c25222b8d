using System.Runtime.InteropServices;

namespace MLGradientInsight.Cli;

/// <summary>
/// Turns Ctrl+C (SIGINT) and SIGTERM (what <c>kill</c>, <c>timeout</c>, systemd and container runtimes send) into a
/// cancellation, so that training stops at a step boundary, the store is flushed and the run is marked
/// <c>interrupted</c> with a message saying which signal stopped it. A second signal is left to the runtime (it ends
/// the process at once), so a hung run can still be stopped.
/// </summary>
internal sealed class StopSignal : IDisposable
{
    private readonly CancellationTokenSource _cancellation = new();
    private readonly PosixSignalRegistration[] _registrations;
    private int _signals;

    /// <summary>Starts listening for SIGINT and SIGTERM.</summary>
    public StopSignal()
    {
        _registrations =
        [
            PosixSignalRegistration.Create(PosixSignal.SIGINT, OnSignal),
            PosixSignalRegistration.Create(PosixSignal.SIGTERM, OnSignal),
        ];
    }

    /// <summary>Gets the token that is cancelled by the first signal.</summary>
    public CancellationToken Token => _cancellation.Token;

    /// <summary>Gets the signal that stopped the run, or null.</summary>
    public PosixSignal? Received { get; private set; }

    /// <summary>Gets the exit code for the signal received: 130 for SIGINT, 143 for SIGTERM.</summary>
    public int ExitCode => Received == PosixSignal.SIGTERM ? ExitCodes.Terminated : ExitCodes.Interrupted;

    /// <summary>Gets the signal in words for messages.</summary>
    public string Describe() => Received == PosixSignal.SIGTERM
        ? "SIGTERM (kill, timeout or a service manager)"
        : "Ctrl+C (SIGINT)";

    /// <inheritdoc/>
    public void Dispose()
    {
        foreach (PosixSignalRegistration r in _registrations)
        {
            r.Dispose();
        }

        _cancellation.Dispose();
    }

    private void OnSignal(PosixSignalContext context)
    {
        if (Interlocked.Increment(ref _signals) > 1)
        {
            return; // second signal: default handling ends the process
        }

        Received = context.Signal;
        context.Cancel = true;
        _cancellation.Cancel();
    }
}
