using System.Diagnostics;
using Microsoft.Data.Sqlite;
using MLGradientInsight.Transforms.Activity;
using MLGradientInsight.Transforms.Store;

namespace MLGradientInsight.Transforms.Tests.Store;

/// <summary>
/// Kills a writer process (SIGKILL) in the middle of a run: the store must stay readable, keep every batch the
/// writer reported committed, and mark the run interrupted when next opened. The child is StoreCrashWriter.
/// </summary>
[TestClass]
public sealed class RunStoreCrashTest
{
    private const int BatchesBeforeKill = 5;
    private static readonly TimeSpan s_timeout = TimeSpan.FromSeconds(20);

    [TestMethod]
    public void A_killed_writer_leaves_a_sound_store_with_every_committed_batch_and_the_run_interrupted()
    {
        using var folder = new TempFolder();
        string path = folder.File("crash.db");
        string? runId = null;
        long committedRows = 0;
        long lastStep = 0;
        int batches = 0;

        using (Process child = StartWriter(path))
        {
            try
            {
                var deadline = Stopwatch.StartNew();
                while (batches < BatchesBeforeKill)
                {
                    Task<string?> next = child.StandardOutput.ReadLineAsync();
                    if (!next.Wait(s_timeout - deadline.Elapsed) || next.Result is null)
                    {
                        Assert.Fail($"The writer stopped or stalled after {batches} batches. Its error output: {ReadErrors(child)}");
                    }

                    string[] words = next.Result!.Split(' ');
                    if (words[0] == "run")
                    {
                        runId = words[1];
                    }
                    else if (words[0] == "committed")
                    {
                        batches++;
                        committedRows = long.Parse(words[2], System.Globalization.CultureInfo.InvariantCulture);
                        lastStep = long.Parse(words[3], System.Globalization.CultureInfo.InvariantCulture);
                    }
                }

                // Kill while the writer is still producing: rows after the last reported batch may be lost, no more.
                child.Kill(entireProcessTree: true);
                Assert.IsTrue(child.WaitForExit(s_timeout), "The writer did not die.");
            }
            finally
            {
                if (!child.HasExited)
                {
                    child.Kill(entireProcessTree: true);
                    child.WaitForExit(s_timeout);
                }
            }
        }

        Assert.IsNotNull(runId, "The writer never reported its run id.");
        Assert.IsGreaterThan(0L, lastStep);

        using (var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Pooling = false }.ToString()))
        {
            connection.Open();
            using SqliteCommand check = connection.CreateCommand();
            check.CommandText = "PRAGMA integrity_check";
            Assert.AreEqual("ok", check.ExecuteScalar());
        }

        RunStore store = RunStore.Open(path);
        RunInfo run = store.GetRun(runId!);
        IReadOnlyList<StepRecord> steps = store.ReadSteps(runId!);
        List<ActivityRecord> activity = store.ReadActivity(runId!).ToList();

        Assert.AreEqual(RunStatus.Interrupted, run.Status);
        Assert.IsNotNull(run.EndedUtc);
        Assert.IsGreaterThanOrEqualTo(committedRows, (long)steps.Count + activity.Count, "Every reported row must be in the store.");

        // Rows are queued step row first, then network, fc1, fc2, fc3; everything before the last reported step is complete.
        var stepNumbers = steps.Select(s => s.Step).ToHashSet();
        var activityKeys = activity.Select(a => (a.Step, a.Layer)).ToHashSet();
        for (long step = 1; step < lastStep; step++)
        {
            Assert.Contains(step, stepNumbers);
            foreach (string layer in (string[])[ActivityRecord.NetworkLayer, "fc1", "fc2", "fc3"])
            {
                Assert.Contains((step, layer), activityKeys, $"step {step}, layer {layer}");
            }
        }

        Assert.AreEqual(1.0 / 7, steps.Single(s => s.Step == 7).Loss, "Committed values are intact.");
    }

    private static Process StartWriter(string storePath)
    {
        string writerDll = Path.Combine(AppContext.BaseDirectory, "StoreCrashWriter.dll");
        Assert.IsTrue(File.Exists(writerDll), $"{writerDll} is missing: the test project must reference test/StoreCrashWriter.");
        var start = new ProcessStartInfo(DotnetHost())
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add("exec");
        start.ArgumentList.Add(writerDll);
        start.ArgumentList.Add(storePath);
        return Process.Start(start) ?? throw new InvalidOperationException("Could not start the writer process.");
    }

    private static string DotnetHost()
    {
        string? current = Environment.ProcessPath;
        if (current is not null && Path.GetFileNameWithoutExtension(current) == "dotnet")
        {
            return current;
        }

        return Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host ? host : "dotnet";
    }

    private static string ReadErrors(Process child)
    {
        try
        {
            if (!child.HasExited)
            {
                child.Kill(entireProcessTree: true);
                child.WaitForExit(s_timeout);
            }

            return child.StandardError.ReadToEnd();
        }
        catch (InvalidOperationException e)
        {
            return e.Message;
        }
    }
}
