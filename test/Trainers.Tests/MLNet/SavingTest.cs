using Microsoft.ML;
using Microsoft.ML.Data;
using MLGradientInsight.Trainers.MLNet;
using MLGradientInsight.Trainers.Tests.Data;
using static MLGradientInsight.Trainers.Tests.MLNet.MLNetData;

namespace MLGradientInsight.Trainers.Tests.MLNet;

[TestClass]
public sealed class SavingTest
{
    private static (MLContext Context, IDataView Data, NeuralNetworkModel Network) Train()
    {
        var mlContext = new MLContext(seed: 1);
        IDataView data = mlContext.Transforms.Conversion.MapValueToKey("Label").Fit(mlContext.Data.LoadFromEnumerable(Blobs(150, 2))).Transform(mlContext.Data.LoadFromEnumerable(Blobs(150, 2)));
        NeuralNetworkModel network = mlContext.GradientInsight().MulticlassClassification
            .NeuralNetwork(new NeuralNetworkOptions { Model = "mlp:4,16,3", Epochs = 5, LearningRate = 0.01f, TrackActivity = false })
            .Fit(data);
        return (mlContext, data, network);
    }

    private static void AssertScoresClose(float[][] expected, float[][] actual, string where)
    {
        Assert.HasCount(expected.Length, actual, where);
        for (int i = 0; i < expected.Length; i++)
        {
            Assert.HasCount(expected[i].Length, actual[i], $"{where}: row {i}");
            for (int c = 0; c < expected[i].Length; c++)
            {
                Assert.AreEqual(expected[i][c], actual[i][c], 1e-5f, $"{where}: row {i} class {c}");
            }
        }
    }

    [TestMethod]
    public void An_ONNX_export_scores_like_the_model_in_an_ML_NET_pipeline_saved_to_a_zip_and_loaded_again()
    {
        using var folder = new TempDirectory();
        (MLContext trainedIn, IDataView data, NeuralNetworkModel network) = Train();
        float[][] expected = [.. network.Transform(data).GetColumn<float[]>("Score")];

        // README: ONNX → ML.NET zip
        network.ExportOnnx(folder.File("model.onnx"));
        var mlContext = new MLContext(seed: 1);
        using (FileStream onnx = File.OpenRead(folder.File("model.onnx")))
        {
            ITransformer scorer = mlContext.Transforms.ApplyOnnxModel("output", "input", onnx)
                .Fit(mlContext.Transforms.CopyColumns("input", "Features").Fit(data).Transform(data));
            ITransformer pipeline = mlContext.Transforms.CopyColumns("input", "Features").Fit(data).Append(scorer);
            mlContext.Model.Save(pipeline, data.Schema, folder.File("model.zip"));    // the ONNX bytes go into the zip
        }

        ITransformer loaded = new MLContext().Model.Load(folder.File("model.zip"), out DataViewSchema inputSchema);
        float[][] probabilities = [.. loaded.Transform(data).GetColumn<float[]>("output")];
        // README end

        AssertScoresClose(expected, probabilities, "zip loaded in this process");
        Assert.IsNotNull(inputSchema.GetColumnOrNull("Features"));
    }

    [TestMethod]
    public void The_ML_NET_zip_with_the_ONNX_model_loads_in_a_fresh_process_and_scores_like_the_trained_model()
    {
        using var folder = new TempDirectory();
        (MLContext _, IDataView data, NeuralNetworkModel network) = Train();
        float[][] expected = [.. network.Transform(data).GetColumn<float[]>("Score")];
        network.ExportOnnx(folder.File("model.onnx"));
        var mlContext = new MLContext(seed: 1);
        ITransformer features = mlContext.Transforms.CopyColumns("input", "Features").Fit(data);
        ITransformer scorer = mlContext.Transforms.ApplyOnnxModel("output", "input", folder.File("model.onnx")).Fit(features.Transform(data));
        mlContext.Model.Save(features.Append(scorer), data.Schema, folder.File("model.zip"));
        File.Delete(folder.File("model.onnx"));    // the zip alone must carry the graph

        AssertScoresClose(expected, FreshProcess.Scores("zip", folder.File("model.zip"), data, folder.Path), "zip loaded in a fresh process");
    }

    [TestMethod]
    public void The_safetensors_checkpoint_loads_in_a_fresh_process_with_LoadModel_and_scores_like_the_trained_model()
    {
        using var folder = new TempDirectory();
        (MLContext _, IDataView data, NeuralNetworkModel network) = Train();
        float[][] expected = [.. network.Transform(data).GetColumn<float[]>("Score")];
        network.Save(folder.File("model.safetensors"));

        AssertScoresClose(expected, FreshProcess.Scores("safetensors", folder.File("model.safetensors"), data, folder.Path), "LoadModel in a fresh process");
    }

    [TestMethod]
    public void Save_and_LoadModel_rebuild_the_model_from_safetensors_and_its_spec_with_identical_scores()
    {
        using var folder = new TempDirectory();
        (MLContext _, IDataView data, NeuralNetworkModel network) = Train();
        network.Save(folder.File("model.safetensors"));

        NeuralNetworkModel loaded = new MLContext().GradientInsight().LoadModel(folder.File("model.safetensors"));
        Assert.AreEqual(network.Description, loaded.Description);
        CollectionAssert.AreEqual(network.ClassNames!.ToArray(), loaded.ClassNames!.ToArray());
        float[][] expected = [.. network.Transform(data).GetColumn<float[]>("Score")];
        float[][] actual = [.. loaded.Transform(data).GetColumn<float[]>("Score")];
        for (int i = 0; i < expected.Length; i++)
        {
            CollectionAssert.AreEqual(expected[i], actual[i], $"row {i}");
        }

        VBuffer<ReadOnlyMemory<char>> keys = default;
        loaded.Transform(data).Schema["PredictedLabel"].GetKeyValues(ref keys);
        CollectionAssert.AreEqual(Animals, keys.DenseValues().Select(k => k.ToString()).ToArray());
    }
}
