using System.Diagnostics;
using System.Text;

namespace MLGradientInsight.Dashboard.Tests.Browser;

/// <summary>The real <c>mlgi</c> (built next to the tests) run as a child process.</summary>
internal sealed class MlgiProcess : IDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();

    private MlgiProcess(string workingDirectory, string[] args)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "mlgi.dll"));
        foreach (string a in args)
        {
            start.ArgumentList.Add(a);
        }

        start.Environment["NO_COLOR"] = "1";
        _process = new Process { StartInfo = start };
        _process.OutputDataReceived += (_, e) => Append(e.Data);
        _process.ErrorDataReceived += (_, e) => Append(e.Data);
        _process.Start();
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    /// <summary>Gets everything the process printed so far.</summary>
    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    public bool HasExited => _process.HasExited;

    public static MlgiProcess Start(string workingDirectory, params string[] args) => new(workingDirectory, args);

    /// <summary>Runs mlgi to completion and fails the test when it does not exit with 0.</summary>
    public static string Run(string workingDirectory, params string[] args)
    {
        using MlgiProcess p = Start(workingDirectory, args);
        p.WaitForExit(TimeSpan.FromMinutes(2));
        return p.Output;
    }

    public void WaitForExit(TimeSpan timeout)
    {
        if (!_process.WaitForExit(timeout))
        {
            Assert.Fail($"mlgi did not finish within {timeout}; output:\n{Output}");
        }

        _process.WaitForExit();
        Assert.AreEqual(0, _process.ExitCode, Output);
    }

    /// <summary>Waits until the output has a line that satisfies <paramref name="match"/>.</summary>
    public string WaitForLine(Func<string, bool> match, TimeSpan timeout)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < timeout)
        {
            string? line = Output.Split('\n').FirstOrDefault(match);
            if (line is not null)
            {
                return line.Trim();
            }

            if (_process.HasExited)
            {
                Assert.Fail($"mlgi exited with {_process.ExitCode}:\n{Output}");
            }

            Thread.Sleep(50);
        }

        Assert.Fail($"mlgi printed no matching line within {timeout}:\n{Output}");
        return "";
    }

    private void Append(string? line)
    {
        if (line is not null)
        {
            lock (_output)
            {
                _output.AppendLine(line);
            }
        }
    }

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit();
        }

        _process.Dispose();
    }
}
