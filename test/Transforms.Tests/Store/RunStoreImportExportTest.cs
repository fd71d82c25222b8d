using MLGradientInsight.Transforms.Activity;
using MLGradientInsight.Transforms.Store;
using MLGradientInsight.Transforms.Traces;

namespace MLGradientInsight.Transforms.Tests.Store;

[TestClass]
public sealed class RunStoreImportExportTest
{
    [TestMethod]
    public void Export_Import_Export_gives_identical_files_and_identical_records()
    {
        using var folder = new TempFolder();
        RunStore store = RunStore.Open(folder.File("runs.db"));
        const string name = "awkward, \"run\"\nname";
        IReadOnlyList<ActivityRecord> records = AwkwardRecords.Fixed(name);
        string original;
        using (RunWriter writer = store.StartRun(name))
        {
            original = writer.RunId;
            writer.WriteActivity(records);
            writer.Complete();
        }

        string first = folder.File("first.csv");
        string second = folder.File("second.csv");
        store.Export(original, first);
        RunInfo imported = store.Import(first).Single();
        store.Export(imported.Id, second);

        CollectionAssert.AreEqual(File.ReadAllBytes(first), File.ReadAllBytes(second), "The second export must match the first byte for byte.");
        Assert.AreNotEqual(original, imported.Id);
        Assert.AreEqual(name, imported.Name);
        Assert.AreEqual(RunStatus.Completed, imported.Status);
        List<ActivityRecord> expected = records.Select(r => AwkwardRecords.AsStored(r) with { Run = imported.Id }).ToList();
        RecordAssert.AreIdentical(expected, store.ReadActivity(imported.Id).ToList());
        RecordAssert.AreIdentical(records.Select(AwkwardRecords.AsStored).ToList(), TraceCsv.Read(second));
    }

    [TestMethod]
    public void Import_then_ReadActivity_round_trips_random_traces()
    {
        using var folder = new TempFolder();
        RunStore store = RunStore.Open(folder.File("runs.db"));
        var random = new Random(42);
        for (int iteration = 0; iteration < 25; iteration++)
        {
            List<ActivityRecord> records = AwkwardRecords.Random(random, withRunNames: true);
            string path = folder.File($"trace{iteration}.csv");
            TraceCsv.Write(path, records);

            IReadOnlyList<RunInfo> runs = store.Import(path);

            string[] names = records.Select(r => r.Run).Distinct().ToArray();
            CollectionAssert.AreEqual(names, runs.Select(r => r.Name).ToArray(), "One run per distinct run value, in file order.");
            foreach (RunInfo run in runs)
            {
                List<ActivityRecord> expected = records.Where(r => r.Run == run.Name).Select(r => AwkwardRecords.AsStored(r) with { Run = run.Id }).ToList();
                RecordAssert.AreIdentical(expected, store.ReadActivity(run.Id).ToList());
                Assert.AreEqual(expected.Select(r => r.Step).Distinct().LongCount(), run.StepCount);
            }
        }
    }

    [TestMethod]
    public void Import_without_a_run_column_makes_one_run_named_after_the_file_with_steps_from_the_network_rows()
    {
        using var folder = new TempFolder();
        RunStore store = RunStore.Open(folder.File("runs.db"));
        string path = folder.File("pytorch-lenet.csv");
        File.WriteAllText(path, "step,layer,activity,loss,learning_rate,epoch\n1,fc1,0.5,9,9,1\n1,network,0.25,2.5,0.1,1\n2,fc1,0.125,1.5,0.05,1\n");

        RunInfo run = store.Import(path).Single();

        Assert.AreEqual("pytorch-lenet", run.Name);
        Assert.AreEqual(2L, run.StepCount);
        Assert.Contains("pytorch-lenet.csv", run.ConfigJson);
        IReadOnlyList<StepRecord> steps = store.ReadSteps(run.Id);
        Assert.AreEqual(new StepRecord { Run = run.Id, Step = 1, Epoch = 1, Loss = 2.5, LearningRate = 0.1 }, steps[0], "Loss and learning rate come from the network row.");
        Assert.AreEqual(new StepRecord { Run = run.Id, Step = 2, Epoch = 1, Loss = 1.5, LearningRate = 0.05 }, steps[1], "Without a network row, from the first row of the step.");
        CollectionAssert.AreEqual(new[] { "network", "fc1", "fc1" }, store.ReadActivity(run.Id).Select(r => r.Layer).ToArray());
    }

    [TestMethod]
    [DataRow("run,step,layer,activity\na,1,fc1,0.5\nb,1,fc1,0.5\nb,2,fc1,oops\n", 4, DisplayName = "bad number on the last line")]
    [DataRow("run,step,layer,activity\na,1,fc1,0.5\nb,1,fc1,0.5\na,1,fc1,0.75\n", 4, DisplayName = "duplicate on the last line")]
    [DataRow("run,step,layer,activity\na,1,fc1,0.5\nb,1,fc1\n", 3, DisplayName = "ragged last line")]
    public void Import_of_a_file_with_a_bad_line_imports_nothing(string csv, int line)
    {
        using var folder = new TempFolder();
        RunStore store = RunStore.Open(folder.File("runs.db"));
        string path = folder.File("bad.csv");
        File.WriteAllText(path, csv);

        TraceFormatException error = Assert.ThrowsExactly<TraceFormatException>(() => store.Import(path));

        Assert.AreEqual(line, error.Line);
        Assert.Contains(path, error.Message);
        Assert.IsEmpty(store.ListRuns());
    }

    [TestMethod]
    public void Export_of_an_unknown_run_says_how_to_list_the_ids_and_writes_nothing()
    {
        using var folder = new TempFolder();
        RunStore store = RunStore.Open(folder.File("runs.db"));
        string path = folder.File("out.csv");

        ArgumentException error = Assert.ThrowsExactly<ArgumentException>(() => store.Export("r12345678", path));

        Assert.Contains("mlgi runs", error.Message);
        Assert.IsFalse(File.Exists(path));
    }

    [TestMethod]
    public void Export_to_a_TextWriter_writes_the_run_name_in_the_run_column()
    {
        using var folder = new TempFolder();
        RunStore store = RunStore.Open(folder.File("runs.db"));
        using RunWriter writer = store.StartRun("baseline");
        writer.WriteActivity(new ActivityRecord { Step = 3, Epoch = 1, Layer = "network", Activity = 0.5 });
        writer.Complete();
        var text = new StringWriter();

        store.Export(writer.RunId, text);

        Assert.AreEqual("baseline,3,1,network,0.5,NaN,NaN,0,NaN,NaN,NaN,NaN,NaN", text.ToString().Split('\n')[1]);
    }
}
