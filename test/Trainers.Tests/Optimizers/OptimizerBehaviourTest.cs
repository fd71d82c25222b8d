using MLGradientInsight.Trainers.Optimizers;

namespace MLGradientInsight.Trainers.Tests.Optimizers;

/// <summary>Behaviour shared by every optimizer: groups, mid-run learning-rate changes, frozen parameters, no per-step allocation.</summary>
[TestClass]
public sealed class OptimizerBehaviourTest
{
    public static IEnumerable<object[]> Kinds =>
        [["sgd"], ["sgd_momentum"], ["sgd_nesterov"], ["adagrad"], ["adadelta"], ["rmsprop"], ["rmsprop_centered_momentum"], ["adam"], ["adam_amsgrad"], ["adamw"], ["lars"], ["slow_adam"]];

    [TestMethod]
    [DynamicData(nameof(Kinds))]
    public void Step_AfterWarmUp_AllocatesNothing(string kind)
    {
        (Parameter[] parameters, Optimizer optimizer) = Setup(kind, 0.01f, weightDecay: 0.01f);
        Fill(parameters, seed: 1);
        optimizer.Step();
        optimizer.ZeroGrad();
        Fill(parameters, seed: 2);
        optimizer.Step();
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 5; i++)
        {
            optimizer.Step();
            optimizer.ZeroGrad();
        }

        Assert.AreEqual(0L, GC.GetAllocatedBytesForCurrentThread() - before, $"{kind} allocated during Step/ZeroGrad");
        Assert.AreEqual(7L, optimizer.StepCount);
    }

    [TestMethod]
    [DynamicData(nameof(Kinds))]
    public void Step_LeavesGradientsAndFrozenParametersUntouched(string kind)
    {
        (Parameter[] parameters, Optimizer optimizer) = Setup(kind, 0.05f, weightDecay: 0.1f);
        Fill(parameters, seed: 3);
        parameters[1].RequiresGradient = false;
        float[] frozen = parameters[1].Weights.ToArray();
        float[] trainable = parameters[0].Weights.ToArray();
        float[][] gradients = [.. parameters.Select(p => p.Gradients.ToArray())];
        optimizer.Step();
        optimizer.Step();
        for (int i = 0; i < parameters.Length; i++)
        {
            CollectionAssert.AreEqual(gradients[i], parameters[i].Gradients.ToArray(), $"{kind} changed the gradient of {parameters[i].Name}");
        }

        CollectionAssert.AreEqual(frozen, parameters[1].Weights.ToArray(), "a parameter with RequiresGradient = false moved");
        CollectionAssert.AreNotEqual(trainable, parameters[0].Weights.ToArray(), "the trainable parameter did not move");
    }

    [TestMethod]
    [DataRow("sgd")]
    [DataRow("sgd_momentum")]
    [DataRow("sgd_nesterov")]
    [DataRow("adagrad")]
    [DataRow("adadelta")]
    [DataRow("rmsprop")]
    [DataRow("rmsprop_centered_momentum")]
    [DataRow("adam")]
    [DataRow("adam_amsgrad")]
    [DataRow("adamw")]
    public void ChangingLearningRateMidRun_ScalesTheNextStep(string kind)
    {
        // Without weight decay these optimizers' state does not depend on η and the step is linear in η, so a run
        // whose rate is tripled before step 3 moves exactly 3× as far on step 3 as an unchanged run.
        (Parameter[] a, Optimizer first) = Setup(kind, 0.01f, weightDecay: 0f);
        (Parameter[] b, Optimizer second) = Setup(kind, 0.01f, weightDecay: 0f);
        Fill(a, seed: 4);
        Fill(b, seed: 4);
        first.Step();
        first.Step();
        second.Step();
        second.Step();
        float[] beforeA = a[0].Weights.ToArray();
        float[] beforeB = b[0].Weights.ToArray();
        CollectionAssert.AreEqual(beforeA, beforeB);
        second.Groups[0].LearningRate = 0.03f;
        first.Step();
        second.Step();
        for (int i = 0; i < beforeA.Length; i++)
        {
            float stepA = a[0].Weights[i] - beforeA[i];
            float stepB = b[0].Weights[i] - beforeB[i];
            Assert.AreNotEqual(0f, stepA);
            Assert.AreEqual(3 * stepA, stepB, (1e-4f * Math.Abs(stepB)) + 3e-7f, // weights ~0.5: the differences carry ~1 ulp (6e-8) each
                 $"{kind} element {i}");
        }
    }

    [TestMethod]
    public void Sgd_LearningRateChangedBetweenSteps_UsesNewRate()
    {
        var p = new Parameter("fc", "weight", 3);
        float[] w0 = [1f, -2f, 0.5f];
        float[] g = [0.25f, 1f, -4f];
        w0.CopyTo(p.Weights);
        g.CopyTo(p.Gradients);
        var sgd = new Sgd([p], 0.1f);
        sgd.Step();
        sgd.Groups[0].LearningRate = 0.5f;
        sgd.Step();
        for (int i = 0; i < 3; i++)
        {
            Assert.AreEqual(w0[i] - (0.1f * g[i]) - (0.5f * g[i]), p.Weights[i], 1e-6f);
        }
    }

    [TestMethod]
    public void Sgd_MomentumAndNesterov_FollowClosedForm()
    {
        // Constant gradient g: b_t = g·Σ_{j<t} μ^j (b_1 = g); plain: θ_t = θ_0 − η Σ b_s; Nesterov: θ_t = θ_0 − η Σ (g + μ b_s).
        const float g = 0.5f, lr = 0.1f, mu = 0.9f;
        var plain = new Parameter("a", "weight", 1);
        var nesterov = new Parameter("b", "weight", 1);
        plain.Gradients[0] = g;
        nesterov.Gradients[0] = g;
        var sgd = new Sgd([plain], new SgdOptions { LearningRate = lr, Momentum = mu });
        var nag = new Sgd([nesterov], new SgdOptions { LearningRate = lr, Momentum = mu, Nesterov = true });
        double b = 0, thetaPlain = 0, thetaNesterov = 0;
        for (int t = 1; t <= 6; t++)
        {
            b = t == 1 ? g : (mu * b) + g;
            thetaPlain -= lr * b;
            thetaNesterov -= lr * (g + (mu * b));
            sgd.Step();
            nag.Step();
            Assert.AreEqual(thetaPlain, plain.Weights[0], 1e-5, $"momentum step {t}");
            Assert.AreEqual(thetaNesterov, nesterov.Weights[0], 1e-5, $"Nesterov step {t}");
        }
    }

    [TestMethod]
    public void PerLayerGroups_OneGroupPerLayerInOrder_AndRatesAreIndependent()
    {
        var net = new TinyNet(Fixtures.Optimizers);
        IReadOnlyList<ParameterGroup> groups = ParameterGroup.PerLayer(net.Parameters, 0.1f, weightDecay: 0.01f);
        Assert.HasCount(2, groups);
        Assert.AreEqual("fc1", groups[0].Name);
        Assert.AreEqual("fc2", groups[1].Name);
        CollectionAssert.AreEqual(new[] { "fc1.weight", "fc1.bias" }, groups[0].Parameters.Select(p => p.Name).ToArray());
        CollectionAssert.AreEqual(new[] { "fc2.weight", "fc2.bias" }, groups[1].Parameters.Select(p => p.Name).ToArray());
        Assert.AreEqual((0.1f, 0.01f, 0.1f), (groups[1].LearningRate, groups[1].WeightDecay, groups[1].InitialLearningRate));

        var adam = new Adam(groups);
        groups[1].LearningRate = 0f;
        float[] fc1 = net.Model.GetParameter("fc1.weight").Weights.ToArray();
        float[] fc2 = net.Model.GetParameter("fc2.weight").Weights.ToArray();
        net.Step(adam);
        CollectionAssert.AreEqual(fc2, net.Model.GetParameter("fc2.weight").Weights.ToArray(), "fc2 moved with learning rate 0");
        CollectionAssert.AreNotEqual(fc1, net.Model.GetParameter("fc1.weight").Weights.ToArray(), "fc1 did not move");
    }

    [TestMethod]
    public void PerLayer_RateFunctionAndValidation()
    {
        var net = new TinyNet(Fixtures.Optimizers);
        IReadOnlyList<ParameterGroup> groups = ParameterGroup.PerLayer(net.Parameters, layer => layer == "fc1" ? 0.5f : 0.25f);
        Assert.AreEqual((0.5f, 0.25f), (groups[0].LearningRate, groups[1].LearningRate));
        Assert.ThrowsExactly<ArgumentNullException>(() => ParameterGroup.PerLayer(null!, 0.1f));
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => ParameterGroup.PerLayer(net.Parameters, -1f));
        Assert.IsEmpty(ParameterGroup.PerLayer([], 0.1f));
    }

    [TestMethod]
    public void ScaleLearningRates_SetsTheFirstGroupsRate_AndKeepsTheRatios()
    {
        var adam = new Adam([new ParameterGroup("a", [new Parameter("fc1", "weight", 2)], 0.5f), new ParameterGroup("b", [new Parameter("fc2", "weight", 2)], 0.25f)]);
        adam.ScaleLearningRates(0.1);
        Assert.AreEqual(0.1f, adam.Groups[0].LearningRate, 1e-7f);
        Assert.AreEqual(0.05f, adam.Groups[1].LearningRate, 1e-7f);
    }

    [TestMethod]
    public void Optimizer_ParameterInTwoGroups_Throws()
    {
        var p = new Parameter("fc", "weight", 2);
        var e = Assert.ThrowsExactly<ArgumentException>(() => new Adam([new ParameterGroup("a", [p], 0.1f), new ParameterGroup("b", [p], 0.1f)]));
        Assert.Contains("fc.weight", e.Message);
    }

    internal static (Parameter[] Parameters, Optimizer Optimizer) Setup(string kind, float learningRate, float weightDecay)
    {
        // Lengths that are not multiples of any vector width, to exercise the tails.
        Parameter[] parameters = [new Parameter("fc1", "weight", 7, 5), new Parameter("fc1", "bias", 7), new Parameter("fc2", "weight", 37)];
        ParameterGroup[] groups = [new ParameterGroup("g", parameters, learningRate, weightDecay)];
        Optimizer optimizer = kind switch
        {
            "sgd" => new Sgd(groups),
            "sgd_momentum" => new Sgd(groups, new SgdOptions { Momentum = 0.9f, Dampening = 0.1f }),
            "sgd_nesterov" => new Sgd(groups, new SgdOptions { Momentum = 0.9f, Nesterov = true }),
            "adagrad" => new Adagrad(groups, new AdagradOptions { LearningRateDecay = 0.01f }),
            "adadelta" => new Adadelta(groups),
            "rmsprop" => new RmsProp(groups),
            "rmsprop_centered_momentum" => new RmsProp(groups, new RmsPropOptions { Centered = true, Momentum = 0.5f }),
            "adam" => new Adam(groups),
            "adam_amsgrad" => new Adam(groups, new AdamOptions { Amsgrad = true }),
            "adamw" => new AdamW(groups),
            "lars" => new Lars(groups, new LarsOptions { TrustCoefficient = 0.02f }),
            "slow_adam" => new SlowLearning(new Adam(groups), 3),
            _ => throw new AssertFailedException(kind),
        };
        return (parameters, optimizer);
    }

    internal static void Fill(Parameter[] parameters, int seed)
    {
        var rng = new Random(seed);
        foreach (Parameter p in parameters)
        {
            for (int i = 0; i < p.Length; i++)
            {
                p.Weights[i] = (float)(rng.NextDouble() - 0.5);
                p.Gradients[i] = (float)(rng.NextDouble() - 0.5);
            }
        }
    }
}
