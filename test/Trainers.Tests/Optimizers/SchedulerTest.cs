using System.Text.Json;
using MLGradientInsight.Trainers.Optimizers;

namespace MLGradientInsight.Trainers.Tests.Optimizers;

[TestClass]
public sealed class SchedulerTest
{
    [TestMethod]
    [DataRow("step")]
    [DataRow("exponential")]
    [DataRow("cosine")]
    [DataRow("plateau")]
    [DataRow("plateau_defaults")]
    public void LearningRates_MatchPyTorchSequence(string name)
    {
        JsonElement fixture = Fixtures.Schedules;
        JsonElement c = Fixtures.Case(fixture, name);
        float[] initial = Fixtures.Floats(fixture.GetProperty("initial"));
        Sgd optimizer = TwoGroups(initial);
        float F(string key) => (float)c.GetProperty(key).GetDouble();
        LearningRateScheduler scheduler = name switch
        {
            "step" => new StepLr(c.GetProperty("stepSize").GetInt32(), F("gamma")),
            "exponential" => new ExponentialLr(F("gamma")),
            "cosine" => new CosineAnnealingLr(c.GetProperty("tMax").GetInt32(), F("etaMin")),
            "plateau" => new ReduceLrOnPlateau(new ReduceLrOnPlateauOptions
            {
                Factor = F("factor"),
                Patience = c.GetProperty("patience").GetInt32(),
                Threshold = F("threshold"),
                Cooldown = c.GetProperty("cooldown").GetInt32(),
                MinLearningRate = F("minLr"),
            }),
            _ => new ReduceLrOnPlateau(),
        };
        float[] metrics = c.TryGetProperty("metrics", out JsonElement m) ? Fixtures.Floats(m) : [];
        float[][] expected = [.. c.GetProperty("lrs").EnumerateArray().Select(Fixtures.Floats)];
        for (int epoch = 1; epoch <= expected.Length; epoch++)
        {
            scheduler.OnEpochEnd(optimizer, epoch, metrics.Length > 0 ? metrics[epoch - 1] : float.NaN);
            for (int g = 0; g < 2; g++)
            {
                float want = expected[epoch - 1][g];
                Assert.AreEqual(want, optimizer.Groups[g].LearningRate, (2e-6f * want) + 1e-9f, $"{name}, epoch {epoch}, group {g}");
            }
        }
    }

    [TestMethod]
    public void ClosedForms()
    {
        Assert.AreEqual(0.1f * 0.25f, new StepLr(3, 0.5f).LearningRateAt(0.1f, 7), 1e-9f);
        Assert.AreEqual(0.1f, new StepLr(3, 0.5f).LearningRateAt(0.1f, 2), 1e-9f);
        Assert.AreEqual(0.2f * MathF.Pow(0.9f, 5), new ExponentialLr(0.9f).LearningRateAt(0.2f, 5), 1e-8f);
        var cosine = new CosineAnnealingLr(10, 0.01f);
        Assert.AreEqual(0.1f, cosine.LearningRateAt(0.1f, 0), 1e-8f);
        Assert.AreEqual(0.055f, cosine.LearningRateAt(0.1f, 5), 1e-8f, "half way: the mean of η₀ and η_min");
        Assert.AreEqual(0.01f, cosine.LearningRateAt(0.1f, 10), 1e-8f);
        Assert.AreEqual(0.055f, cosine.LearningRateAt(0.1f, 15), 1e-8f, "past T_max the cosine climbs back");
    }

    [TestMethod]
    public void ConstantLr_RestoresInitialRateAtEpochEnd()
    {
        Sgd optimizer = TwoGroups([0.1f, 0.02f]);
        optimizer.Groups[0].LearningRate = 0.7f;
        new ConstantLr().OnEpochEnd(optimizer, 1, 0.5f);
        Assert.AreEqual((0.1f, 0.02f), (optimizer.Groups[0].LearningRate, optimizer.Groups[1].LearningRate));
    }

    [TestMethod]
    public void ReduceLrOnPlateau_MaxModeAbsoluteThreshold()
    {
        // Accuracy-like metric, improvement must exceed +0.01 absolutely; patience 1.
        var scheduler = new ReduceLrOnPlateau(new ReduceLrOnPlateauOptions
        {
            Mode = PlateauMode.Max,
            ThresholdMode = ThresholdMode.Absolute,
            Threshold = 0.01f,
            Patience = 1,
            Factor = 0.5f,
        });
        Sgd optimizer = TwoGroups([0.1f, 0.02f]);
        float[] accuracy = [0.5f, 0.6f, 0.605f, 0.609f, 0.7f, 0.7f, 0.7f];
        float[] expected = [0.1f, 0.1f, 0.1f, 0.05f, 0.05f, 0.05f, 0.025f];
        for (int e = 0; e < accuracy.Length; e++)
        {
            scheduler.OnEpochEnd(optimizer, e + 1, accuracy[e]);
            Assert.AreEqual(expected[e], optimizer.Groups[0].LearningRate, 1e-8f, $"epoch {e + 1}");
        }

        Assert.AreEqual(0.7, scheduler.Best, 1e-6);
        Assert.AreEqual(2, scheduler.Reductions);
    }

    [TestMethod]
    public void ReduceLrOnPlateau_NaNMetricCountsAsBad_AndKeepsManualChanges()
    {
        var scheduler = new ReduceLrOnPlateau(factor: 0.5f, patience: 0);
        Sgd optimizer = TwoGroups([0.1f, 0.02f]);
        scheduler.OnEpochEnd(optimizer, 1, 1f);
        optimizer.Groups[0].LearningRate = 0.4f;
        scheduler.OnEpochEnd(optimizer, 2, float.NaN);
        Assert.AreEqual(0.2f, optimizer.Groups[0].LearningRate, 1e-8f, "scales the current (manually set) rate");
        Assert.AreEqual(0.01f, optimizer.Groups[1].LearningRate, 1e-8f);
    }

    [TestMethod]
    public void Schedules_WorkThroughSlowLearningWrapper()
    {
        Sgd inner = TwoGroups([0.1f, 0.02f]);
        var slow = new SlowLearning(inner, 3);
        new ExponentialLr(0.5f).OnEpochEnd(slow, 2, 0f);
        Assert.AreEqual(0.025f, inner.Groups[0].LearningRate, 1e-8f);
    }

    private static Sgd TwoGroups(float[] initial) =>
        new([new ParameterGroup("a", [new Parameter("a", "weight", 1)], initial[0]), new ParameterGroup("b", [new Parameter("b", "weight", 1)], initial[1])]);
}
