using System.Diagnostics;
using MLGradientInsight.Transforms.Store;

namespace MLGradientInsight.Cli.Tests;

/// <summary>Class: SIGTERM (kill, timeout, systemd, containers) stops a run like Ctrl+C: flushed, marked interrupted in words, exit 143.</summary>
[TestClass]
public sealed class SignalTest
{
    [TestMethod]
    public void Sigterm_StopsAtAStepBoundary_MarksTheRunInterrupted_AndExits143()
    {
        if (!OperatingSystem.IsLinux() && !OperatingSystem.IsMacOS())
        {
            Assert.Inconclusive("POSIX signals only");
        }

        string store = CliRunner.TempPath(".db");
        string mlgi = Path.Combine(AppContext.BaseDirectory, "mlgi.dll");
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (string a in new[] { mlgi, "train", "--dataset", "curve", "--limit", "5000", "--epochs", "40", "--batch", "1", "--threads", "1", "--track", "--store", store })
        {
            start.ArgumentList.Add(a);
        }

        try
        {
            using Process process = Process.Start(start)!;
            var firstEpoch = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
            var output = new System.Text.StringBuilder();
            process.OutputDataReceived += (_, e) =>
            {
                lock (output)
                {
                    output.AppendLine(e.Data);
                }

                if (e.Data?.StartsWith("epoch 1/", StringComparison.Ordinal) == true)
                {
                    firstEpoch.TrySetResult(e.Data);
                }
            };
            process.BeginOutputReadLine();
            Task<string> stderr = process.StandardError.ReadToEndAsync();
            try
            {
                Assert.IsTrue(firstEpoch.Task.Wait(90_000), "the first epoch ends within 90 s:\n" + output);
                using (Process kill = Process.Start("kill", ["-TERM", process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)])!)
                {
                    kill.WaitForExit();
                    Assert.AreEqual(0, kill.ExitCode, "kill -TERM");
                }

                Assert.IsTrue(process.WaitForExit(60_000), "stops within a minute");
            }
            finally
            {
                if (!process.HasExited)
                {
                    process.Kill();
                }
            }

            Assert.AreEqual(143, process.ExitCode, stderr.Result);
            StringAssert.Contains(stderr.Result, "stopped by SIGTERM");

            RunInfo run = RunStore.Open(store).ListRuns().Single();
            Assert.AreEqual(RunStatus.Interrupted, run.Status);
            StringAssert.Contains(run.Message, "stopped by SIGTERM (kill, timeout or a service manager) after step");
            Assert.IsGreaterThanOrEqualTo(1, RunStore.Open(store).ReadEpochs(run.Id).Count, "the finished epoch is kept");
            Assert.IsGreaterThanOrEqualTo(4000L, run.StepCount, "the steps until the signal are flushed");
        }
        finally
        {
            CliRunner.DeleteStore(store);
        }
    }
}
