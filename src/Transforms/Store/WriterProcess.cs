using System.Diagnostics;

namespace MLGradientInsight.Transforms.Store;

/// <summary>Identifies the process writing a run, so that a later open can tell whether it is still alive.</summary>
internal static class WriterProcess
{
    // Process.StartTime is derived from the boot time and can differ by a few milliseconds between reads.
    private static readonly TimeSpan s_startTolerance = TimeSpan.FromSeconds(2);

    /// <summary>Gets the id, host and start time (UTC) of the current process.</summary>
    public static (int ProcessId, string Host, DateTime StartUtc) Current()
    {
        using Process process = Process.GetCurrentProcess();
        return (Environment.ProcessId, Environment.MachineName, process.StartTime.ToUniversalTime());
    }

    /// <summary>
    /// Returns false only when the writer is certainly gone: it ran on this machine and no process with its id
    /// and start time exists. A writer on another machine, or one whose start time cannot be read, counts as alive.
    /// </summary>
    public static bool MightBeAlive(int processId, string? host, DateTime? startUtc)
    {
        if (host is not null && !string.Equals(host, Environment.MachineName, StringComparison.OrdinalIgnoreCase))
        {
            return true;
        }

        Process process;
        try
        {
            process = Process.GetProcessById(processId);
        }
        catch (ArgumentException)
        {
            return false;
        }

        using (process)
        {
            try
            {
                if (process.HasExited)
                {
                    return false;
                }

                if (startUtc is null)
                {
                    return true;
                }

                // A different start time means the id was reused by another process.
                return (process.StartTime.ToUniversalTime() - startUtc.Value).Duration() <= s_startTolerance;
            }
            catch (Exception e) when (e is InvalidOperationException or System.ComponentModel.Win32Exception or NotSupportedException)
            {
                return true;
            }
        }
    }
}
