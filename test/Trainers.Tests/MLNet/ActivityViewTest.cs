using Microsoft.ML;
using Microsoft.ML.Data;
using MLGradientInsight.Trainers.MLNet;
using MLGradientInsight.Trainers.Tests.Data;
using MLGradientInsight.Transforms.Activity;
using static MLGradientInsight.Trainers.Tests.MLNet.MLNetData;

namespace MLGradientInsight.Trainers.Tests.MLNet;

[TestClass]
public sealed class ActivityViewTest
{
    [TestMethod]
    public void The_fitted_model_and_the_run_store_give_the_activity_trace_as_an_IDataView()
    {
        using var folder = new TempDirectory();
        string storePath = folder.File("runs.db");

        // README: activity IDataView
        var mlContext = new MLContext(seed: 1);
        IDataView data = mlContext.Data.LoadFromEnumerable(Blobs(300, seed: 2));
        var pipeline = mlContext.Transforms.Conversion.MapValueToKey("Label")
            .Append(mlContext.GradientInsight().MulticlassClassification.NeuralNetwork(new NeuralNetworkOptions
            {
                Model = "mlp:4,16,3",
                Epochs = 5,
                RunStorePath = storePath,                  // optional: also record the run (mlgi runs / export)
                RunName = "blobs",
            }));
        NeuralNetworkModel network = pipeline.Fit(data).LastTransformer;

        IDataView activity = network.GetActivity();                                  // run, step, epoch, layer, activity, …
        IDataView perStep = network.GetActivity().ToWide("activity");                // step, epoch, loss, activity[network, fc1, fc2]
        IDataView stored = mlContext.GradientInsight().LoadActivity(storePath, "blobs");  // the same rows, read from SQLite
        double[] fc1 = [.. mlContext.Data.CreateEnumerable<LayerActivityRow>(activity, reuseRowObject: false)
            .Where(r => r.layer == "fc1").Select(r => r.activity)];
        // README end

        Assert.HasCount(50 - 11, fc1);                                 // 10 steps per epoch × 5; the first activity is at step W + 2 = 12
        Assert.IsTrue(fc1.All(double.IsFinite));
        Assert.AreEqual(activity.GetRowCount(), stored.GetRowCount());
        Assert.AreEqual(39L, perStep.GetRowCount());
        VBuffer<ReadOnlyMemory<char>> slots = default;
        perStep.Schema["activity"].GetSlotNames(ref slots);
        CollectionAssert.AreEqual(new[] { ActivityRecord.NetworkLayer, "fc1", "fc2" }, slots.DenseValues().Select(s => s.ToString()).ToArray());
        double[][] wide = [.. perStep.GetColumn<double[]>("activity")];
        CollectionAssert.AreEqual(fc1, wide.Select(w => w[1]).ToArray());
        CollectionAssert.AreEqual(
            network.Activity.Select(r => (r.Step, r.Layer, r.Activity)).ToArray(),
            stored.GetColumn<long>("step").Zip(stored.GetColumn<string>("layer"), stored.GetColumn<double>("activity")).ToArray());
    }

#pragma warning disable IDE1006 // property names are the trace's column names
    private sealed class LayerActivityRow
    {
        public string layer { get; set; } = "";

        public double activity { get; set; }
    }
#pragma warning restore IDE1006
}
