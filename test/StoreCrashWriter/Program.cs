// Writes a run into a store until killed, for RunStoreCrashTest.
// Usage: StoreCrashWriter <store path>
// Prints "run <id>" once, then "committed <batch> <total rows> <last step>" after every committed batch.
using MLGradientInsight.Transforms.Activity;
using MLGradientInsight.Transforms.Store;

if (args.Length != 1)
{
    Console.Error.WriteLine("Usage: StoreCrashWriter <store path>");
    return 2;
}

var store = RunStore.Open(args[0]);
var stdout = Console.Out;
var options = new RunWriterOptions
{
    CommitInterval = TimeSpan.FromMilliseconds(10),
    MaxBatchRows = 500,
    BatchCommitted = batch =>
    {
        lock (stdout)
        {
            stdout.WriteLine($"committed {batch.BatchNumber} {batch.TotalRows} {batch.LastStep}");
            stdout.Flush();
        }
    },
};

using RunWriter writer = store.StartRun("crash-test", """{"layers": ["fc1", "fc2", "fc3"]}""", "3-layer MLP", options);
lock (stdout)
{
    stdout.WriteLine($"run {writer.RunId}");
    stdout.Flush();
}

string[] layers = [ActivityRecord.NetworkLayer, "fc1", "fc2", "fc3"];
for (long step = 1; ; step++)
{
    writer.WriteStep(step, 1 + (int)(step / 100), 1.0 / step, 0.01, 0.5);
    for (int i = 0; i < layers.Length; i++)
    {
        writer.WriteActivity(new ActivityRecord { Step = step, Epoch = 1 + (int)(step / 100), Layer = layers[i], Activity = step + (i * 0.25) });
    }

    if (step % 50 == 0)
    {
        Thread.Sleep(1);
    }
}
