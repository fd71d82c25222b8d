using System.Text.Json;
using MLGradientInsight.Trainers.Optimizers;

namespace MLGradientInsight.Trainers.Tests.Optimizers;

/// <summary>
/// Weights after 1 and 10 steps on the fixture model against PyTorch 1.13 (LARS: against the NumPy reference
/// in tools/make_optimizer_fixtures.py). Tolerance 1e-5 relative with an absolute floor of 1e-6.
/// </summary>
[TestClass]
public sealed class PyTorchParityTest
{
    [TestMethod]
    [DataRow("sgd")]
    [DataRow("sgd_momentum")]
    [DataRow("sgd_momentum_dampening")]
    [DataRow("sgd_nesterov")]
    [DataRow("sgd_weight_decay")]
    [DataRow("sgd_momentum_weight_decay")]
    [DataRow("sgd_per_layer")]
    [DataRow("adagrad")]
    [DataRow("adagrad_decay_accumulator")]
    [DataRow("adadelta")]
    [DataRow("adadelta_rho_decay")]
    [DataRow("rmsprop")]
    [DataRow("rmsprop_momentum")]
    [DataRow("rmsprop_centered")]
    [DataRow("rmsprop_centered_momentum")]
    [DataRow("adam")]
    [DataRow("adam_weight_decay")]
    [DataRow("adam_amsgrad")]
    [DataRow("adam_per_layer")]
    [DataRow("adamw")]
    [DataRow("adamw_amsgrad")]
    [DataRow("lars")]
    [DataRow("lars_weight_decay")]
    [DataRow("lars_exclude")]
    public void Steps_MatchReference(string name)
    {
        JsonElement fixture = Fixtures.Optimizers;
        JsonElement testCase = Fixtures.Case(fixture, name);
        var net = new TinyNet(fixture);
        Optimizer optimizer = Create(name, testCase.GetProperty("options"), net.Parameters);
        net.Step(optimizer);
        AssertWeights(testCase.GetProperty("after1"), net, name + " after 1 step");
        for (int s = 2; s <= 10; s++)
        {
            net.Step(optimizer);
        }

        AssertWeights(testCase.GetProperty("after10"), net, name + " after 10 steps");
        Assert.AreEqual(10, optimizer.StepCount);
    }

    [TestMethod]
    public void Fixture_CoversEveryCase()
    {
        Assert.HasCount(24, Fixtures.Optimizers.GetProperty("cases").EnumerateArray().ToArray());
    }

    private static void AssertWeights(JsonElement expected, TinyNet net, string what)
    {
        foreach (string parameter in TinyNet.ParameterNames)
        {
            float[] want = Fixtures.Floats(expected.GetProperty(parameter));
            ReadOnlySpan<float> got = net.Model.GetParameter(parameter).Weights;
            float moved = 0;
            for (int i = 0; i < want.Length; i++)
            {
                float tolerance = Math.Max(1e-6f, 1e-5f * Math.Abs(want[i]));
                Assert.AreEqual(want[i], got[i], tolerance, $"{what}: {parameter}[{i}]");
                moved = Math.Max(moved, Math.Abs(want[i]));
            }

            Assert.IsGreaterThan(0f, moved, $"{what}: {parameter} fixture is all zeros");
        }
    }

    private static Optimizer Create(string name, JsonElement o, IReadOnlyList<Parameter> parameters)
    {
        float F(string key, float fallback = 0f) => o.TryGetProperty(key, out JsonElement v) ? (float)v.GetDouble() : fallback;
        bool B(string key) => o.TryGetProperty(key, out JsonElement v) && v.GetBoolean();

        if (name.EndsWith("_per_layer", StringComparison.Ordinal))
        {
            float[] lrs = Fixtures.Floats(o.GetProperty("lrs"));
            IReadOnlyList<ParameterGroup> groups = ParameterGroup.PerLayer(parameters, layer => layer == "fc1" ? lrs[0] : lrs[1]);
            Assert.HasCount(2, groups);
            return name.StartsWith("adam", StringComparison.Ordinal)
                ? new Adam(groups)
                : new Sgd(groups, new SgdOptions { Momentum = F("momentum") });
        }

        string kind = name.Split('_')[0];
        return kind switch
        {
            "sgd" => new Sgd(parameters, new SgdOptions
            {
                LearningRate = F("lr"),
                Momentum = F("momentum"),
                Dampening = F("dampening"),
                Nesterov = B("nesterov"),
                WeightDecay = F("weight_decay"),
            }),
            "adagrad" => new Adagrad(parameters, new AdagradOptions
            {
                LearningRate = F("lr"),
                LearningRateDecay = F("lr_decay"),
                InitialAccumulatorValue = F("initial_accumulator_value"),
                WeightDecay = F("weight_decay"),
            }),
            "adadelta" => new Adadelta(parameters, new AdadeltaOptions
            {
                LearningRate = F("lr"),
                Rho = F("rho", 0.9f),
                WeightDecay = F("weight_decay"),
            }),
            "rmsprop" => new RmsProp(parameters, new RmsPropOptions
            {
                LearningRate = F("lr"),
                Alpha = F("alpha", 0.99f),
                Epsilon = F("eps", 1e-8f),
                Momentum = F("momentum"),
                Centered = B("centered"),
                WeightDecay = F("weight_decay"),
            }),
            "adam" => new Adam(parameters, new AdamOptions
            {
                LearningRate = F("lr"),
                Beta1 = F("beta1", 0.9f),
                Beta2 = F("beta2", 0.999f),
                Amsgrad = B("amsgrad"),
                WeightDecay = F("weight_decay"),
            }),
            "adamw" => new AdamW(parameters, new AdamWOptions
            {
                LearningRate = F("lr"),
                Amsgrad = B("amsgrad"),
                WeightDecay = F("weight_decay"),
            }),
            "lars" => new Lars(parameters, new LarsOptions
            {
                LearningRate = F("lr"),
                Momentum = F("momentum"),
                WeightDecay = F("weight_decay"),
                TrustCoefficient = F("trust"),
                Epsilon = F("eps"),
                ExcludeBiasAndNormalization = B("exclude"),
            }),
            _ => throw new AssertFailedException($"No factory for fixture case '{name}'."),
        };
    }
}
