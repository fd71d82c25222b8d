using Microsoft.ML;
using Microsoft.ML.Data;
using MLGradientInsight.Trainers.MLNet;
using MLGradientInsight.Trainers.Tests.Data;
using MLGradientInsight.Transforms.Activity;
using MLGradientInsight.Transforms.Store;
using static MLGradientInsight.Trainers.Tests.MLNet.MLNetData;

namespace MLGradientInsight.Trainers.Tests.MLNet;

[TestClass]
public sealed class NeuralNetworkTrainerTest
{
    [TestMethod]
    public void A_pipeline_fits_evaluates_and_maps_keys_back_to_the_original_labels()
    {
        // README: ML.NET pipeline
        var mlContext = new MLContext(seed: 1);
        IDataView data = mlContext.Data.LoadFromEnumerable(Blobs(300, seed: 2));
        var pipeline = mlContext.Transforms.Conversion.MapValueToKey("Label")
            .Append(mlContext.GradientInsight().MulticlassClassification.NeuralNetwork(model: "mlp:4,16,3", epochs: 20, learningRate: 0.01f))
            .Append(mlContext.Transforms.Conversion.MapKeyToValue("PredictedAnimal", "PredictedLabel"));
        var model = pipeline.Fit(data);
        IDataView scored = model.Transform(mlContext.Data.LoadFromEnumerable(Blobs(90, seed: 3)));
        MulticlassClassificationMetrics metrics = mlContext.MulticlassClassification.Evaluate(scored);
        Console.WriteLine($"accuracy {metrics.MicroAccuracy:P1}, log-loss {metrics.LogLoss:F3}");
        // README end

        Assert.IsGreaterThan(0.95, metrics.MicroAccuracy);
        Assert.IsTrue(double.IsFinite(metrics.LogLoss) && metrics.LogLoss < 0.5, $"log-loss {metrics.LogLoss}");

        // Keys are 1-based (0 = missing); the network's class index is key − 1. A shift would put every label one class off.
        CollectionAssert.AreEqual(scored.GetColumn<uint>("Label").ToArray(), scored.GetColumn<uint>("PredictedLabel").ToArray());
        string[] expected = [.. Blobs(90, seed: 3).Select(r => r.Label)];
        string[] predicted = [.. scored.GetColumn<ReadOnlyMemory<char>>("PredictedAnimal").Select(m => m.ToString())];
        Assert.IsGreaterThan(0.95, expected.Zip(predicted).Count(p => p.First == p.Second) / 90.0);

        // Score slots are named by the label's key values, in key order (dog, cat, bird: order of first appearance).
        VBuffer<ReadOnlyMemory<char>> slotNames = default;
        scored.Schema["Score"].GetSlotNames(ref slotNames);
        CollectionAssert.AreEqual(Animals, slotNames.DenseValues().Select(s => s.ToString()).ToArray());
        KeyDataViewType key = (KeyDataViewType)scored.Schema["PredictedLabel"].Type;
        Assert.AreEqual(3UL, key.Count);
        uint[] keys = [.. scored.GetColumn<uint>("PredictedLabel")];
        float[][] scores = [.. scored.GetColumn<float[]>("Score")];
        for (int i = 0; i < keys.Length; i++)
        {
            Assert.AreEqual((uint)Array.IndexOf(scores[i], scores[i].Max()) + 1, keys[i]);
            Assert.AreEqual(Animals[keys[i] - 1], predicted[i]);
            Assert.AreEqual(1.0, scores[i].Sum(), 1e-5);
        }
    }

    [TestMethod]
    public void CreatePredictionEngine_gives_the_rows_of_Transform()
    {
        var mlContext = new MLContext(seed: 1);
        IDataView data = mlContext.Data.LoadFromEnumerable(Blobs(150, seed: 2));
        var pipeline = mlContext.Transforms.Conversion.MapValueToKey("Label")
            .Append(mlContext.GradientInsight().MulticlassClassification.NeuralNetwork(model: "mlp:4,8,3", epochs: 5, learningRate: 0.01f))
            .Append(mlContext.Transforms.Conversion.MapKeyToValue("PredictedAnimal", "PredictedLabel"));
        var model = pipeline.Fit(data);
        List<AnimalRow> rows = Blobs(12, seed: 4);
        float[][] batch = [.. model.Transform(mlContext.Data.LoadFromEnumerable(rows)).GetColumn<float[]>("Score")];
        var engine = mlContext.Model.CreatePredictionEngine<AnimalRow, AnimalPrediction>(model);
        for (int i = 0; i < rows.Count; i++)
        {
            AnimalPrediction p = engine.Predict(rows[i]);
            CollectionAssert.AreEqual(batch[i], p.Score);
            Assert.AreEqual(Animals[Array.IndexOf(p.Score, p.Score.Max())], p.PredictedAnimal);
        }
    }

    [TestMethod]
    public void The_MLContext_seed_makes_runs_repeatable_and_another_seed_changes_them()
    {
        float[] Train(int contextSeed, int? optionSeed = null)
        {
            var mlContext = new MLContext(seed: contextSeed);
            IDataView data = mlContext.Transforms.Conversion.MapValueToKey("Label").Fit(mlContext.Data.LoadFromEnumerable(Blobs(60, 2))).Transform(mlContext.Data.LoadFromEnumerable(Blobs(60, 2)));
            NeuralNetworkModel model = mlContext.GradientInsight().MulticlassClassification
                .NeuralNetwork(new NeuralNetworkOptions { Model = "mlp:4,8,3", Epochs = 2, Seed = optionSeed, TrackActivity = false })
                .Fit(data);
            return [.. model.Network.Parameters[0].Weights];
        }

        CollectionAssert.AreEqual(Train(5), Train(5));
        CollectionAssert.AreNotEqual(Train(5), Train(6));
        CollectionAssert.AreEqual(Train(5, optionSeed: 9), Train(6, optionSeed: 9));
    }

    [TestMethod]
    public void Regression_fits_a_line_and_evaluates_with_ML_NET()
    {
        var mlContext = new MLContext(seed: 1);
        IDataView train = mlContext.Data.LoadFromEnumerable(Line(400, 1));
        NeuralNetworkModel model = mlContext.GradientInsight().Regression
            .NeuralNetwork(new NeuralNetworkOptions { Model = "mlp:2,16,1", Epochs = 30, LearningRate = 0.01f, Activation = MLGradientInsight.Trainers.Models.Activation.Tanh })
            .Fit(train);
        RegressionMetrics metrics = mlContext.Regression.Evaluate(model.Transform(mlContext.Data.LoadFromEnumerable(Line(100, 2))));
        Assert.IsGreaterThan(0.98, metrics.RSquared, $"R² {metrics.RSquared}");
        Assert.IsFalse(model.IsMulticlass);
        Assert.IsTrue(model.Training.Epochs[^1].TrainLoss < model.Training.Epochs[0].TrainLoss);
    }

    [TestMethod]
    public void The_run_is_tracked_logged_reported_and_recorded_in_a_store()
    {
        using var folder = new TempDirectory();
        var mlContext = new MLContext(seed: 1);
        var log = new List<string>();
        mlContext.Log += (_, e) =>
        {
            lock (log)
            {
                log.Add(e.Message);
            }
        };
        var progress = new ListProgress();
        IDataView data = mlContext.Transforms.Conversion.MapValueToKey("Label").Fit(mlContext.Data.LoadFromEnumerable(Blobs(64, 2))).Transform(mlContext.Data.LoadFromEnumerable(Blobs(64, 2)));
        NeuralNetworkModel model = mlContext.GradientInsight().MulticlassClassification.NeuralNetwork(new NeuralNetworkOptions
        {
            Model = "mlp:4,8,3",
            Epochs = 2,
            BatchSize = 8,                                          // 8 steps per epoch, 16 steps
            Activity = new GradientActivityOptions { WarmupSteps = 3 },
            RunStorePath = folder.File("runs.db"),
            RunName = "mlnet",
            Progress = progress,
            ValidationData = data,
        }).Fit(data);

        Assert.HasCount((16 - 4) * 3, model.Activity);              // network + fc1 + fc2 per step after warm-up
        Assert.AreEqual((long)model.Activity.Count, model.GetActivity().GetRowCount());
        Assert.AreEqual((long)model.Activity.Count, mlContext.GradientInsight().LoadActivity(folder.File("runs.db"), "mlnet").GetRowCount());
        CollectionAssert.AreEqual(Enumerable.Range(1, 16).Select(s => (long)s).ToArray(), progress.Reports.Select(p => p.Step).ToArray());
        Assert.IsTrue(progress.Reports.Take(4).All(p => double.IsNaN(p.NetworkActivity)));
        Assert.IsTrue(progress.Reports.Skip(4).All(p => double.IsFinite(p.NetworkActivity)));
        Assert.AreEqual(model.Activity.First(r => r.Step == 10 && r.Layer == ActivityRecord.NetworkLayer).Activity, progress.Reports[9].NetworkActivity);

        RunStore store = RunStore.Open(folder.File("runs.db"));
        RunInfo run = store.GetRun(model.RunId!);
        Assert.AreEqual("mlnet", run.Name);
        Assert.AreEqual(RunStatus.Completed, run.Status);
        CollectionAssert.AreEqual(model.Activity.ToArray(), store.ReadActivity(model.RunId!).ToArray());
        Assert.HasCount(16, store.ReadSteps(model.RunId!));
        Assert.HasCount(2, store.ReadEpochs(model.RunId!));
        Assert.IsTrue(double.IsFinite(store.ReadEpochs(model.RunId!)[1].ValidationAccuracy));
        lock (log)
        {
            Assert.IsTrue(log.Any(m => m.Contains("NeuralNetwork: epoch 2/2", StringComparison.Ordinal)), string.Join("\n", log.Take(20)));
        }
    }

    [TestMethod]
    public void A_user_built_network_is_trained_in_place()
    {
        var mlContext = new MLContext(seed: 1);
        var rng = new Random(3);
        var network = new Sequential("mine", new MLGradientInsight.Trainers.Layers.Linear("fc1", 4, 5, rng), new MLGradientInsight.Trainers.Layers.Tanh("act"), new MLGradientInsight.Trainers.Layers.Linear("out", 5, 3, rng));
        float before = network.Parameters[0].Weights[0];
        IDataView data = mlContext.Transforms.Conversion.MapValueToKey("Label").Fit(mlContext.Data.LoadFromEnumerable(Blobs(60, 2))).Transform(mlContext.Data.LoadFromEnumerable(Blobs(60, 2)));
        NeuralNetworkModel model = mlContext.GradientInsight().MulticlassClassification.NeuralNetwork(new NeuralNetworkOptions { Network = network, Epochs = 2, Activity = new GradientActivityOptions { WarmupSteps = 1 } }).Fit(data);
        Assert.AreSame(network, model.Network);
        Assert.AreNotEqual(before, network.Parameters[0].Weights[0]);
        CollectionAssert.AreEqual(new[] { "network", "fc1", "out" }, model.Activity.Take(3).Select(r => r.Layer).ToArray());

        var wrong = new Sequential("wrong", new MLGradientInsight.Trainers.Layers.Linear("fc1", 4, 2, rng));
        ArgumentException e = Assert.ThrowsExactly<ArgumentException>(() => mlContext.GradientInsight().MulticlassClassification.NeuralNetwork(new NeuralNetworkOptions { Network = wrong }).Fit(data));
        Assert.AreEqual(nameof(NeuralNetworkOptions.Network), e.ParamName);
        StringAssert.Contains(e.Message, "(N, 3)");
    }

    [TestMethod]
    public void Lenet5_takes_flat_pixels_viewed_through_ImageShape()
    {
        var mlContext = new MLContext(seed: 1);
        var rng = new Random(4);
        var rows = Enumerable.Range(0, 20).Select(i => new ImageRow { Label = (uint)(i % 10), Pixels = [.. Enumerable.Range(0, 1024).Select(_ => (float)rng.NextDouble())] }).ToList();
        IDataView data = mlContext.Data.LoadFromEnumerable(rows);
        NeuralNetworkModel model = mlContext.GradientInsight().MulticlassClassification.NeuralNetwork(new NeuralNetworkOptions
        {
            Model = "lenet5",
            ImageShape = [1, 32, 32],
            FeatureColumnName = "Pixels",
            Epochs = 1,
            BatchSize = 10,
            TrackActivity = false,
        }).Fit(data);
        Assert.AreEqual("lenet5", model.Description);
        Assert.AreEqual(10, model.ClassCount);
        Assert.IsNull(model.ClassNames);                                   // a key without key values
        float[][] scores = [.. model.Transform(data).GetColumn<float[]>("Score")];
        Assert.HasCount(20, scores);
        Assert.IsTrue(scores.All(s => s.Length == 10 && Math.Abs(s.Sum() - 1) < 1e-5));

        ArgumentException flat = Assert.ThrowsExactly<ArgumentException>(() =>
            mlContext.GradientInsight().MulticlassClassification.NeuralNetwork(new NeuralNetworkOptions { Model = "lenet5", FeatureColumnName = "Pixels" }).Fit(data));
        StringAssert.Contains(flat.Message, "lenet5 needs 1×32×32 images");
    }

    private sealed class ImageRow
    {
        /// <summary>The 0-based class: ML.NET reads a uint field of a key column as key = value + 1 (a value of 10 here would be missing).</summary>
        [KeyType(10)]
        public uint Label { get; set; }

        [VectorType(1024)]
        public float[] Pixels { get; set; } = [];
    }

    [TestMethod]
    public void Wrong_columns_and_bad_values_are_reported_with_the_column_and_the_fix()
    {
        var mlContext = new MLContext(seed: 1);
        IDataView raw = mlContext.Data.LoadFromEnumerable(Blobs(30, 2));
        GradientInsightMulticlassCatalog nn = mlContext.GradientInsight().MulticlassClassification;

        ArgumentException text = Assert.ThrowsExactly<ArgumentException>(() => nn.NeuralNetwork().Fit(raw));
        StringAssert.Contains(text.Message, "Column 'Label' is String");
        StringAssert.Contains(text.Message, "MapValueToKey(\"Label\")");
        ArgumentException shape = Assert.ThrowsExactly<ArgumentException>(() => nn.NeuralNetwork().GetOutputSchema(new SchemaShape([])));
        StringAssert.Contains(shape.Message, "Column 'Features' was not found");

        ArgumentException missing = Assert.ThrowsExactly<ArgumentException>(() => nn.NeuralNetwork(featureColumnName: "Pixels").Fit(raw));
        StringAssert.Contains(missing.Message, "Column 'Pixels' was not found");

        List<AnimalRow> rows = Blobs(30, 2);
        rows[7].Features[2] = float.NaN;
        IDataView withNaN = mlContext.Transforms.Conversion.MapValueToKey("Label").Fit(raw).Transform(mlContext.Data.LoadFromEnumerable(rows));
        ArgumentException nan = Assert.ThrowsExactly<ArgumentException>(() => nn.NeuralNetwork(model: "mlp:4,3").Fit(withNaN));
        StringAssert.Contains(nan.Message, "Row 7");
        StringAssert.Contains(nan.Message, "slot 2 of column 'Features'");

        ArgumentException size = Assert.ThrowsExactly<ArgumentException>(() => nn.NeuralNetwork(model: "mlp:5,3").Fit(mlContext.Transforms.Conversion.MapValueToKey("Label").Fit(raw).Transform(raw)));
        Assert.AreEqual(nameof(NeuralNetworkOptions.Model), size.ParamName);
        StringAssert.Contains(size.Message, "Start the sizes with 4");
    }

    [TestMethod]
    [DataRow(nameof(NeuralNetworkOptions.Epochs))]
    [DataRow(nameof(NeuralNetworkOptions.BatchSize))]
    [DataRow(nameof(NeuralNetworkOptions.LearningRate))]
    [DataRow(nameof(NeuralNetworkOptions.Model))]
    [DataRow(nameof(NeuralNetworkOptions.Optimizer))]
    [DataRow(nameof(NeuralNetworkOptions.Schedule))]
    [DataRow(nameof(NeuralNetworkOptions.ImageShape))]
    public void Invalid_options_are_rejected_when_the_trainer_is_created_naming_the_option(string option)
    {
        NeuralNetworkOptions options = option switch
        {
            nameof(NeuralNetworkOptions.Epochs) => new() { Epochs = 0 },
            nameof(NeuralNetworkOptions.BatchSize) => new() { BatchSize = -1 },
            nameof(NeuralNetworkOptions.LearningRate) => new() { LearningRate = float.NaN },
            nameof(NeuralNetworkOptions.Model) => new() { Model = "resnet" },
            nameof(NeuralNetworkOptions.Optimizer) => new() { Optimizer = "adamax" },
            nameof(NeuralNetworkOptions.Schedule) => new() { Schedule = "step:x:0.5" },
            _ => new() { ImageShape = [1, 0, 32] },
        };
        ArgumentException e = Assert.Throws<ArgumentException>(() => new MLContext().GradientInsight().MulticlassClassification.NeuralNetwork(options));
        Assert.AreEqual(option, e.ParamName);
    }

    [TestMethod]
    public void Saving_the_model_with_ML_NET_names_the_two_routes_that_work()
    {
        var mlContext = new MLContext(seed: 1);
        IDataView data = mlContext.Transforms.Conversion.MapValueToKey("Label").Fit(mlContext.Data.LoadFromEnumerable(Blobs(30, 2))).Transform(mlContext.Data.LoadFromEnumerable(Blobs(30, 2)));
        NeuralNetworkModel model = mlContext.GradientInsight().MulticlassClassification.NeuralNetwork(new NeuralNetworkOptions { Model = "mlp:4,3", Epochs = 1 }).Fit(data);
        using var stream = new MemoryStream();
        Exception e = Assert.Throws<Exception>(() => mlContext.Model.Save(model, data.Schema, stream));
        Exception inner = e is NotSupportedException ? e : e.InnerException ?? e;
        Assert.IsInstanceOfType<NotSupportedException>(inner, e.ToString());
        StringAssert.Contains(inner.Message, "safetensors");
        StringAssert.Contains(inner.Message, "ApplyOnnxModel");
    }

    private sealed class ListProgress : IProgress<NeuralNetworkProgress>
    {
        public List<NeuralNetworkProgress> Reports { get; } = [];

        public void Report(NeuralNetworkProgress value) => Reports.Add(value);
    }
}
