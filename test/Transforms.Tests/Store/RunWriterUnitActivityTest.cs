using MLGradientInsight.Transforms.Activity;
using MLGradientInsight.Transforms.Store;

namespace MLGradientInsight.Transforms.Tests.Store;

[TestClass]
public sealed class RunWriterUnitActivityTest
{
    [TestMethod]
    public void A_writer_used_as_IActivitySink_stores_layer_and_unit_rows()
    {
        using var folder = new TempFolder();
        RunStore store = RunStore.Open(folder.File("runs.db"));
        RunWriter writer = store.StartRun("sink");
        IActivitySink sink = writer;

        sink.Write(
            [new ActivityRecord { Step = 1, Layer = "network", Activity = 0.5 }, new ActivityRecord { Step = 1, Layer = "fc1", Activity = 0.25 }],
            [new UnitActivityRecord("ignored", 1, "fc2", 1, double.NaN), new UnitActivityRecord("", 1, "fc2", 0, 1e-45), new UnitActivityRecord("", 1, "fc1", 0, 2)]);
        sink.Write([new ActivityRecord { Step = 2, Layer = "network", Activity = 0.125 }], [new UnitActivityRecord("", 2, "fc1", 0, double.PositiveInfinity)]);
        writer.Complete();
        writer.Dispose();

        CollectionAssert.AreEqual(new[] { "1:network", "1:fc1", "2:network" }, store.ReadActivity(writer.RunId).Select(r => $"{r.Step}:{r.Layer}").ToArray());
        List<UnitActivityRecord> units = store.ReadUnitActivity(writer.RunId).ToList();
        CollectionAssert.AreEqual(
            new[]
            {
                new UnitActivityRecord(writer.RunId, 1, "fc1", 0, 2),
                new UnitActivityRecord(writer.RunId, 1, "fc2", 0, 1e-45),
                new UnitActivityRecord(writer.RunId, 1, "fc2", 1, double.NaN),
                new UnitActivityRecord(writer.RunId, 2, "fc1", 0, double.PositiveInfinity),
            },
            units);
        CollectionAssert.AreEqual(new[] { 1L, 2L }, store.ReadUnitActivity(writer.RunId, "fc1").Select(u => u.Step).ToArray());
    }

    [TestMethod]
    public void WriteUnits_rejects_a_negative_unit_index()
    {
        using var folder = new TempFolder();
        RunStore store = RunStore.Open(folder.File("runs.db"));
        using RunWriter writer = store.StartRun("bad unit");

        ArgumentOutOfRangeException error = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => writer.WriteUnits([new UnitActivityRecord("", 1, "fc1", -1, 0)]));

        Assert.AreEqual("records", error.ParamName);
    }

    [TestMethod]
    public void Opening_a_version_1_store_made_before_unit_rows_adds_their_table()
    {
        using var folder = new TempFolder();
        string path = folder.StoreWithout("unit_activity");

        RunStore store = RunStore.Open(path);
        using RunWriter writer = store.StartRun("units");
        writer.WriteUnits([new UnitActivityRecord("", 3, "conv1", 5, 0.75)]);
        writer.Complete();

        Assert.AreEqual(new UnitActivityRecord(writer.RunId, 3, "conv1", 5, 0.75), store.ReadUnitActivity(writer.RunId).Single());
    }
}
