using Microsoft.ML;
using Microsoft.ML.Data;
using MLGradientInsight.Trainers.MLNet;
using MLGradientInsight.Trainers.Torch.MLNet;
using MLGradientInsight.Transforms.Activity;
using MLGradientInsight.Transforms.Store;
using static MLGradientInsight.Trainers.Tests.MLNet.MLNetData;

namespace MLGradientInsight.Trainers.Torch.Tests.MLNet;

/// <summary>The TorchSharp engine behind <c>mlContext.GradientInsight()</c>: fits, scores like the managed engine, tracks to a store.</summary>
[TestClass]
public sealed class TorchSharpEngineTests
{
    [TestMethod]
    public void The_torch_engine_fits_evaluates_predicts_and_records_its_run_in_the_store()
    {
        string store = Path.Combine(Path.GetTempPath(), $"mlgi-torch-mlnet-{Guid.NewGuid():N}.db");
        try
        {
            // README: ML.NET with the TorchSharp engine
            var mlContext = new MLContext(seed: 1);
            IDataView data = mlContext.Data.LoadFromEnumerable(Blobs(300, seed: 2));
            var pipeline = mlContext.Transforms.Conversion.MapValueToKey("Label")
                .Append(mlContext.GradientInsight().MulticlassClassification.NeuralNetwork(new NeuralNetworkOptions
                {
                    Model = "mlp:4,16,3",
                    Epochs = 20,
                    LearningRate = 0.01f,
                    Engine = TorchSharpEngine.Default,     // libtorch trains; the fitted model scores in .NET
                    RunStorePath = store,
                }))
                .Append(mlContext.Transforms.Conversion.MapKeyToValue("PredictedAnimal", "PredictedLabel"));
            var model = pipeline.Fit(data);
            IDataView scored = model.Transform(mlContext.Data.LoadFromEnumerable(Blobs(90, seed: 3)));
            MulticlassClassificationMetrics metrics = mlContext.MulticlassClassification.Evaluate(scored);
            Console.WriteLine($"accuracy {metrics.MicroAccuracy:P1}, log-loss {metrics.LogLoss:F3}");
            // README end

            Assert.IsGreaterThan(0.95, metrics.MicroAccuracy);
            var prediction = mlContext.Model.CreatePredictionEngine<AnimalRow, AnimalPrediction>(model);
            List<AnimalRow> rows = Blobs(12, seed: 4);
            float[][] batch = [.. model.Transform(mlContext.Data.LoadFromEnumerable(rows)).GetColumn<float[]>("Score")];
            for (int i = 0; i < rows.Count; i++)
            {
                AnimalPrediction p = prediction.Predict(rows[i]);
                CollectionAssert.AreEqual(batch[i], p.Score);
                Assert.AreEqual(Animals[Array.IndexOf(p.Score, p.Score.Max())], p.PredictedAnimal);
            }

            NeuralNetworkModel network = model.OfType<NeuralNetworkModel>().Single();
            Assert.IsNotNull(network.RunId);
            RunStore runs = RunStore.Open(store);
            Assert.AreEqual(RunStatus.Completed, runs.GetRun(network.RunId).Status);
            StringAssert.Contains(runs.GetRun(network.RunId).ConfigJson, "\"engine\":\"torchsharp\"");
            Assert.HasCount(20 * 10, runs.ReadSteps(network.RunId), "one step row per step: 10 batches of 32 (the last one short) × 20 epochs");
            Assert.HasCount(20, runs.ReadEpochs(network.RunId));
            ActivityRecord[] stored = [.. runs.ReadActivity(network.RunId)];
            Assert.HasCount(network.Activity.Count, stored, "the store holds the same activity as the fitted model");
            CollectionAssert.AreEquivalent(new[] { "network", "fc1", "fc2" }, stored.Select(r => r.Layer).Distinct().ToArray());
            Assert.IsTrue(stored.All(r => double.IsFinite(r.Activity) && double.IsFinite(r.UpdateNorm)), "activity and update norms after warm-up");
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            foreach (string f in Directory.GetFiles(Path.GetTempPath(), Path.GetFileName(store) + "*"))
            {
                File.Delete(f);
            }
        }
    }

    [TestMethod]
    [DataRow("adam", DisplayName = "adam")]
    [DataRow("momentum", DisplayName = "momentum")]
    public void Scores_and_activity_match_the_managed_engine_from_the_same_initial_weights(string optimizer)
    {
        // The trainer builds the same managed network from the same seed for both engines; the torch engine copies it in.
        (float[][] Scores, IReadOnlyList<ActivityRecord> Activity) Train(INeuralNetworkEngine engine)
        {
            var mlContext = new MLContext(seed: 1);
            IDataView data = mlContext.Transforms.Conversion.MapValueToKey("Label").Fit(mlContext.Data.LoadFromEnumerable(Blobs(96, 2)))
                .Transform(mlContext.Data.LoadFromEnumerable(Blobs(96, 2)));
            NeuralNetworkModel model = mlContext.GradientInsight().MulticlassClassification.NeuralNetwork(new NeuralNetworkOptions
            {
                Model = "mlp:4,16,3",
                Optimizer = optimizer,
                Epochs = 2,
                BatchSize = 16,
                LearningRate = 0.01f,
                Seed = 5,
                Engine = engine,
                Activity = new GradientActivityOptions { WarmupSteps = 3, MaxDegreeOfParallelism = 1 },
            }).Fit(data);
            float[][] scores = [.. model.Transform(data).GetColumn<float[]>("Score")];
            return (scores, model.Activity);
        }

        (float[][] managedScores, IReadOnlyList<ActivityRecord> managedActivity) = Train(ManagedEngine.Default);
        (float[][] torchScores, IReadOnlyList<ActivityRecord> torchActivity) = Train(TorchSharpEngine.Default);
        Assert.HasCount(managedScores.Length, torchScores);
        for (int i = 0; i < managedScores.Length; i++)
        {
            for (int c = 0; c < 3; c++)
            {
                Assert.AreEqual(managedScores[i][c], torchScores[i][c], 1e-4 * Math.Max(1, Math.Abs(managedScores[i][c])), $"row {i} class {c}");
            }
        }

        Assert.HasCount(managedActivity.Count, torchActivity);
        Assert.IsNotEmpty(torchActivity);
        for (int r = 0; r < managedActivity.Count; r++)
        {
            ActivityRecord m = managedActivity[r], t = torchActivity[r];
            Assert.AreEqual((m.Step, m.Epoch, m.Layer), (t.Step, t.Epoch, t.Layer), $"record {r}");
            Assert.AreEqual(m.Loss, t.Loss, 1e-4 * Math.Abs(m.Loss), $"record {r} loss");
            Assert.AreEqual(m.GradientNorm, t.GradientNorm, 1e-3 * m.GradientNorm, $"record {r} gradient norm");
        }
    }
}
