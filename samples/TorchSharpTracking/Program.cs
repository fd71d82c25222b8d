using MLGradientInsight.Samples.TorchSharpTracking;
using MLGradientInsight.Transforms.Activity;
using MLGradientInsight.Transforms.Store;

// dotnet run -c Release --project samples/TorchSharpTracking -- [runs.db]
string storePath = args.Length > 0 ? args[0] : "runs.db";
string runId = SpiralsLoop.Run(storePath);
RunStore store = RunStore.Open(storePath);
ActivityRecord[] network = [.. store.ReadActivity(runId).Where(r => r.Layer == ActivityRecord.NetworkLayer)];
IReadOnlyList<StepRecord> steps = store.ReadSteps(runId);
Console.WriteLine($"run {runId} in {Path.GetFullPath(storePath)}: {steps.Count} steps, loss {steps[0].Loss:F3} → {steps[^1].Loss:F3}, "
    + $"network activity first {network[0].Activity:F3}, last {network[^1].Activity:F3}");
Console.WriteLine($"mlgi runs --store {storePath}; mlgi export {runId} --csv trace.csv --store {storePath}");
