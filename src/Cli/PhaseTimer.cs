using System.Diagnostics;
using System.Globalization;

namespace MLGradientInsight.Cli;

/// <summary>
/// Wall-clock seconds of a command's phases, printed to stderr as one <c>timing:</c> line when the environment variable
/// <c>MLGI_TIMING=1</c> is set (benchmarks/compare-torch/run-cli.sh uses it; <c>mlgi train</c> and <c>mlgi report</c> have it); otherwise does nothing.
/// </summary>
/// <remarks>The first phase, <c>start-up</c>, runs from the process's start time (runtime start, assembly loading, JIT of
/// the command line parser) to the creation of the timer.</remarks>
internal sealed class PhaseTimer
{
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly List<string> _phases = [];
    private readonly TimeSpan _startUp;
    private TimeSpan _last;

    private PhaseTimer(TimeSpan startUp) => _startUp = startUp;

    /// <summary>Starts a timer when <c>MLGI_TIMING=1</c>, else returns null.</summary>
    /// <returns>The timer, or null.</returns>
    public static PhaseTimer? StartIfAsked() => StartIf(Environment.GetEnvironmentVariable("MLGI_TIMING"));

    /// <summary>Starts a timer when <paramref name="setting"/> (the value of <c>MLGI_TIMING</c>) is <c>1</c>, else returns null.</summary>
    /// <param name="setting">The setting, or null when unset.</param>
    /// <returns>The timer, or null.</returns>
    internal static PhaseTimer? StartIf(string? setting)
    {
        if (setting != "1")
        {
            return null;
        }

        using var process = Process.GetCurrentProcess();
        return new PhaseTimer(DateTime.Now - process.StartTime);
    }

    /// <summary>Ends the current phase under a name.</summary>
    /// <param name="name">The phase.</param>
    public void Mark(string name)
    {
        TimeSpan now = _clock.Elapsed;
        _phases.Add(string.Create(CultureInfo.InvariantCulture, $"{name} {(now - _last).TotalSeconds:F2} s"));
        _last = now;
    }

    /// <summary>Writes the <c>timing:</c> line.</summary>
    /// <param name="console">Where to write (stderr).</param>
    public void Report(CliConsole console) => console.Status(string.Create(
        CultureInfo.InvariantCulture,
        $"timing: start-up {_startUp.TotalSeconds:F2} s, {string.Join(", ", _phases)}, total {(_startUp + _clock.Elapsed).TotalSeconds:F2} s"));
}
