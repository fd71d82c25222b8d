using MLGradientInsight.Trainers.Checkpoints;
using MLGradientInsight.Trainers.Layers;
using MLGradientInsight.Trainers.Tests.Data;

namespace MLGradientInsight.Trainers.Tests.Checkpoints;

[TestClass]
public sealed class CheckpointTest
{
    private static string Fixture(string name) => Path.Combine(AppContext.BaseDirectory, "Fixtures", "checkpoints", name);

    /// <summary>The model of tools/make_safetensors_fixture.py: Sequential(fc1=Linear(3,4), act=Tanh(), fc2=Linear(4,2)).</summary>
    private static Sequential Mlp(int seed, int hidden = 4)
    {
        var rng = new Random(seed);
        return new Sequential("mlp", new Linear("fc1", 3, hidden, rng), new Tanh("act"), new Linear("fc2", hidden, 2, rng));
    }

    /// <summary>A stand-in for batch normalisation: exposes RunningMean/RunningVariance as BatchNorm layers do.</summary>
    private sealed class RunningStatsLayer : Module
    {
        private readonly Parameter[] _parameters;

        public RunningStatsLayer(string name, int features)
            : base(name)
        {
            _parameters = [new Parameter(name, "weight", features), new Parameter(name, "bias", features)];
            RunningMean = new Tensor(features);
            RunningVariance = new Tensor(features);
        }

        public Tensor RunningMean { get; }

        public Tensor RunningVariance { get; }

        public override IReadOnlyList<Parameter> Parameters => _parameters;

        public override Tensor Forward(Tensor input) => input;

        public override Tensor? Backward(Tensor outputGradient) => outputGradient;

        public override int[] OutputShape(ReadOnlySpan<int> inputShape) => inputShape.ToArray();
    }

    [TestMethod]
    public void Load_PyTorchStateDict_ReproducesPyTorchOutputs()
    {
        Sequential model = Mlp(seed: 1);

        IReadOnlyDictionary<string, string> metadata = Checkpoint.Load(model, Fixture("torch_mlp.safetensors"));
        SafeTensorsFile io = SafeTensors.Load(Fixture("torch_mlp_io.safetensors"));
        model.SetTraining(false);
        Tensor output = model.Forward(io["input"]);

        Assert.AreEqual("pt", metadata["format"]);
        CollectionAssert.AreEqual(io["output"].Shape.ToArray(), output.Shape.ToArray());
        for (int i = 0; i < output.Length; i++)
        {
            Assert.AreEqual(io["output"].Span[i], output.Span[i], 1e-5f, $"output[{i}]");
        }
    }

    [TestMethod]
    public void Load_PyTorchDTypes_ConvertLikePyTorch()
    {
        SafeTensorsFile file = SafeTensors.Load(Fixture("torch_dtypes.safetensors"));

        // F64 holds float32 values exactly; F16/BF16 decode to exactly what torch's .float() gives.
        CollectionAssert.AreEqual(file["f32"].Span.ToArray(), file["f64"].Span.ToArray());
        CollectionAssert.AreEqual(file["f16_as_f32"].Span.ToArray(), file["f16"].Span.ToArray());
        CollectionAssert.AreEqual(file["bf16_as_f32"].Span.ToArray(), file["bf16"].Span.ToArray());
        CollectionAssert.AreEqual(new[] { -3f, 0f, 7f, 123456f, -98765f, 1f }, file["i64"].Span.ToArray());
        CollectionAssert.AreEqual(new[] { 2, 3 }, file["i64"].Shape.ToArray());
        Assert.AreEqual("F64", file.Info["f64"].DType);
        Assert.AreEqual("F16", file.Info["f16"].DType);
        Assert.AreEqual("BF16", file.Info["bf16"].DType);
        Assert.AreEqual("I64", file.Info["i64"].DType);
        Assert.IsEmpty(file.Info["scalar_f32"].Shape);
        Assert.AreEqual(2.5f, file["scalar_f32"].Span[0]);
        // The conversions are lossy: the reduced-precision copies differ from the float32 values.
        CollectionAssert.AreNotEqual(file["f32"].Span.ToArray(), file["bf16"].Span.ToArray());
    }

    [TestMethod]
    public void Load_PyTorchBatchNormStateDict_MapsRunningStatsAndIgnoresBatchCounter()
    {
        var model = new Sequential("bn", new RunningStatsLayer("bn1", 4));
        SafeTensorsFile file = SafeTensors.Load(Fixture("torch_bn.safetensors"));

        Checkpoint.Load(model, Fixture("torch_bn.safetensors"), strict: true);

        var layer = (RunningStatsLayer)model.Layers[0];
        CollectionAssert.AreEqual(file["bn1.running_mean"].Span.ToArray(), layer.RunningMean.Span.ToArray());
        CollectionAssert.AreEqual(file["bn1.running_var"].Span.ToArray(), layer.RunningVariance.Span.ToArray());
        CollectionAssert.AreEqual(new[] { 1f, 0.5f, 2f, -1f }, model.GetParameter("bn1.weight").Value.Span.ToArray());
        CollectionAssert.AreEqual(new[] { 0f, 0.1f, -0.2f, 0.3f }, model.GetParameter("bn1.bias").Value.Span.ToArray());
        Assert.AreEqual("I64", file.Info["bn1.num_batches_tracked"].DType);
        Assert.AreEqual(3f, file["bn1.num_batches_tracked"].Span[0]);
        // Three training steps with momentum 0.1 move the mean away from 0 and the variance away from 1.
        Assert.IsTrue(layer.RunningMean.Span.ToArray().All(m => m != 0f));
    }

    [TestMethod]
    public void SaveLoad_RoundTripsParametersAndRunningStats()
    {
        using var dir = new TempDirectory();
        string path = dir.File("model.safetensors");
        var rng = new Random(3);
        var source = new Sequential("m", new Linear("fc1", 3, 4, rng), new RunningStatsLayer("bn1", 4), new Linear("fc2", 4, 2, rng));
        ((RunningStatsLayer)source.Layers[1]).RunningMean.Span.Fill(0.25f);
        ((RunningStatsLayer)source.Layers[1]).RunningVariance.Span.Fill(2f);
        var target = new Sequential("m", new Linear("fc1", 3, 4, new Random(4)), new RunningStatsLayer("bn1", 4), new Linear("fc2", 4, 2, new Random(5)));

        Checkpoint.Save(source, path, new Dictionary<string, string> { ["epoch"] = "7" });
        IReadOnlyDictionary<string, string> metadata = Checkpoint.Load(target, path);

        Assert.AreEqual("7", metadata["epoch"]);
        Assert.AreEqual("pt", metadata["format"]);
        Assert.AreEqual("MLGradientInsight", metadata[Checkpoint.ProducerKey]);
        CollectionAssert.AreEqual(
            new[] { "fc1.weight", "fc1.bias", "bn1.weight", "bn1.bias", "fc2.weight", "fc2.bias", "bn1.running_mean", "bn1.running_var" },
            SafeTensors.Load(path).Names.ToArray());
        foreach (Parameter p in source.Parameters)
        {
            CollectionAssert.AreEqual(p.Value.Span.ToArray(), target.GetParameter(p.Name).Value.Span.ToArray(), p.Name);
        }

        CollectionAssert.AreEqual(Enumerable.Repeat(0.25f, 4).ToArray(), ((RunningStatsLayer)target.Layers[1]).RunningMean.Span.ToArray());
        CollectionAssert.AreEqual(Enumerable.Repeat(2f, 4).ToArray(), ((RunningStatsLayer)target.Layers[1]).RunningVariance.Span.ToArray());
    }

    [TestMethod]
    public void Load_MissingTensors_ListsThemAndLeavesTheModelUnchanged()
    {
        using var dir = new TempDirectory();
        string path = dir.File("partial.safetensors");
        Sequential model = Mlp(6);
        SafeTensors.Save(path, [("fc1.weight", new Tensor(4, 3)), ("fc1.bias", new Tensor(4))]);
        float[] before = model.GetParameter("fc1.weight").Value.Span.ToArray();

        CheckpointException e = Assert.ThrowsExactly<CheckpointException>(() => Checkpoint.Load(model, path));

        StringAssert.Contains(e.Message, "lacks 2 tensor(s) the model needs: fc2.weight, fc2.bias");
        Assert.AreEqual("fc2.weight", e.TensorName);
        CollectionAssert.AreEqual(before, model.GetParameter("fc1.weight").Value.Span.ToArray());
    }

    [TestMethod]
    public void Load_ExtraTensor_FailsInStrictModeAndIsIgnoredInLenientMode()
    {
        using var dir = new TempDirectory();
        string path = dir.File("extra.safetensors");
        Sequential source = Mlp(7);
        SafeTensors.Save(path, [.. Checkpoint.StateTensors(source), ("fc3.weight", new Tensor(1, 2))]);

        CheckpointException e = Assert.ThrowsExactly<CheckpointException>(() => Checkpoint.Load(Mlp(8), path));
        Sequential lenient = Mlp(8);
        Checkpoint.Load(lenient, path, strict: false);

        StringAssert.Contains(e.Message, "holds 1 tensor(s) the model does not have: fc3.weight");
        StringAssert.Contains(e.Message, "strict: false");
        CollectionAssert.AreEqual(source.GetParameter("fc2.weight").Value.Span.ToArray(), lenient.GetParameter("fc2.weight").Value.Span.ToArray());
    }

    [TestMethod]
    public void Load_ShapeMismatch_NamesBothShapesAndLeavesTheModelUnchanged()
    {
        Sequential model = Mlp(9, hidden: 5);
        float[] before = model.GetParameter("fc1.weight").Value.Span.ToArray();

        CheckpointException e = Assert.ThrowsExactly<CheckpointException>(() => Checkpoint.Load(model, Fixture("torch_mlp.safetensors")));

        Assert.AreEqual("fc1.weight", e.TensorName);
        StringAssert.Contains(e.Message, "the checkpoint has [4, 3] but the model expects [5, 3]");
        CollectionAssert.AreEqual(before, model.GetParameter("fc1.weight").Value.Span.ToArray());
    }

    [TestMethod]
    public void Load_CorruptFile_PropagatesTheFormatError()
    {
        using var dir = new TempDirectory();
        string path = dir.Write("c.safetensors", SafeTensorsTest.File("{\"fc1.weight\":{\"dtype\":\"F32\",\"shape\":[4,3],\"data_offsets\":[0,48]}}", 40));

        CheckpointException e = Assert.ThrowsExactly<CheckpointException>(() => Checkpoint.Load(Mlp(1), path));

        Assert.AreEqual("fc1.weight", e.TensorName);
        StringAssert.Contains(e.Message, "out of range");
    }
}
