using System.Diagnostics;
using System.Globalization;

namespace MLGradientInsight.Transforms.Store;

/// <summary>
/// Identifies the process writing a run, so that a later open can tell whether it is still alive. A process is
/// named by its id, its host and a start token: on Linux the boot id and the start time in clock ticks since boot
/// (<c>/proc/[pid]/stat</c> field 22, immune to wall-clock changes and to process-id reuse); elsewhere the start time.
/// </summary>
internal static class WriterProcess
{
    private const string LinuxPrefix = "linux:";
    private const string TimePrefix = "time:";

    // Process.StartTime is derived from the boot time and the wall clock, so it can move between reads.
    private static readonly TimeSpan s_startTolerance = TimeSpan.FromSeconds(2);

    /// <summary>Gets the id, host and start token of the current process.</summary>
    public static (int ProcessId, string Host, string StartToken) Current()
    {
        int id = Environment.ProcessId;
        using Process process = Process.GetCurrentProcess();
        return (id, Environment.MachineName, StartToken(id, process) ?? "");
    }

    /// <summary>
    /// Returns false only when the writer is certainly gone: it ran on this machine and no process with its id and
    /// start token exists. A writer on another machine, or one that cannot be inspected, counts as alive.
    /// </summary>
    public static bool MightBeAlive(int processId, string? host, string? startToken)
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

                if (string.IsNullOrEmpty(startToken))
                {
                    return true;
                }

                string? current = StartToken(processId, process);
                if (current is null)
                {
                    return true;
                }

                if (startToken.StartsWith(TimePrefix, StringComparison.Ordinal) && current.StartsWith(TimePrefix, StringComparison.Ordinal))
                {
                    DateTime then = SqliteValues.ParseTime(startToken[TimePrefix.Length..]);
                    DateTime now = SqliteValues.ParseTime(current[TimePrefix.Length..]);
                    return (now - then).Duration() <= s_startTolerance;
                }

                // A different token: the id now belongs to another process.
                return string.Equals(startToken, current, StringComparison.Ordinal);
            }
            catch (Exception e) when (e is InvalidOperationException or System.ComponentModel.Win32Exception or NotSupportedException or IOException or UnauthorizedAccessException or FormatException)
            {
                return true;
            }
        }
    }

    private static string? StartToken(int processId, Process process)
    {
        string stat = $"/proc/{processId.ToString(CultureInfo.InvariantCulture)}/stat";
        if (OperatingSystem.IsLinux() && File.Exists(stat))
        {
            try
            {
                // Field 2 (comm) is in parentheses and may hold spaces; fields after it start at field 3.
                string text = File.ReadAllText(stat);
                string[] fields = text[(text.LastIndexOf(')') + 2)..].Split(' ');
                string bootId = File.Exists("/proc/sys/kernel/random/boot_id") ? File.ReadAllText("/proc/sys/kernel/random/boot_id").Trim() : "";
                return $"{LinuxPrefix}{bootId}:{fields[22 - 3]}";
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or IndexOutOfRangeException or ArgumentOutOfRangeException)
            {
                return null;
            }
        }

        try
        {
            return TimePrefix + SqliteValues.FormatTime(process.StartTime.ToUniversalTime());
        }
        catch (Exception e) when (e is InvalidOperationException or System.ComponentModel.Win32Exception or NotSupportedException)
        {
            return null;
        }
    }
}
