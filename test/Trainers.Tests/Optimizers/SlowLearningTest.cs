using MLGradientInsight.Trainers.Optimizers;

namespace MLGradientInsight.Trainers.Tests.Optimizers;

/// <summary>The "slow learning" wrapper of seed 001: every inner update is applied in k equal slices.</summary>
[TestClass]
public sealed class SlowLearningTest
{
    [TestMethod]
    [DataRow("sgd_momentum")]
    [DataRow("adam")]
    [DataRow("rmsprop")]
    public void OneStep_ReproducesInnerOptimizer(string kind)
    {
        var reference = new TinyNet(Fixtures.Optimizers);
        var slow = new TinyNet(Fixtures.Optimizers);
        Optimizer plain = Create(kind, reference.Parameters);
        var wrapped = new SlowLearning(Create(kind, slow.Parameters), 1);
        for (int step = 1; step <= 15; step++)
        {
            reference.Step(plain);
            slow.Step(wrapped);
        }

        foreach (string name in TinyNet.ParameterNames)
        {
            float[] want = reference.Model.GetParameter(name).Weights.ToArray();
            float[] got = slow.Model.GetParameter(name).Weights.ToArray();
            for (int i = 0; i < want.Length; i++)
            {
                Assert.AreEqual(want[i], got[i], 1e-6f * (1 + Math.Abs(want[i])), $"{kind} {name}[{i}]");
            }
        }

        Assert.AreEqual(15L, wrapped.StepCount);
        Assert.AreEqual(15L, wrapped.Inner.StepCount);
    }

    [TestMethod]
    [DataRow(2)]
    [DataRow(3)]
    [DataRow(5)]
    public void ConstantGradient_AppliesEachUpdateInEqualSlices(int k)
    {
        // Plain SGD with a constant gradient g gives Δ = −ηg every step; the wrapper has moved
        // −ηg·Σ_{s=1..t} min(s, k)/k after t steps.
        const float lr = 0.1f, g = 0.5f;
        var p = new Parameter("fc", "weight", 1);
        p.Gradients[0] = g;
        var slow = new SlowLearning(new Sgd([p], lr), k);
        double expected = 0;
        for (int t = 1; t <= 3 * k; t++)
        {
            slow.Step();
            expected -= lr * g * Math.Min(t, k) / k;
            Assert.AreEqual(expected, p.Weights[0], 1e-6, $"k = {k}, step {t}");
        }
    }

    [TestMethod]
    [DataRow(1)]
    [DataRow(3)]
    [DataRow(4)]
    public void AfterKMinusOneQuietSteps_TotalChangeEqualsSumOfInnerUpdates(int k)
    {
        // SGD updates are Δₜ = −η·gₜ whatever θ is, so Σ Δ is known; after k − 1 steps with g = 0 every slice has landed.
        const float lr = 0.05f;
        Parameter[] parameters = [new Parameter("fc", "weight", 5, 3), new Parameter("fc", "bias", 5)];
        OptimizerBehaviourTest.Fill(parameters, seed: 9);
        float[][] start = [.. parameters.Select(p => p.Weights.ToArray())];
        double[][] sum = [.. parameters.Select(p => new double[p.Length])];
        var slow = new SlowLearning(new Sgd(parameters, lr), k);
        var rng = new Random(10);
        for (int t = 0; t < 23; t++)
        {
            foreach ((Parameter p, double[] s) in parameters.Zip(sum))
            {
                for (int i = 0; i < p.Length; i++)
                {
                    p.Gradients[i] = (float)(rng.NextDouble() - 0.5);
                    s[i] -= lr * p.Gradients[i];
                }
            }

            slow.Step();
        }

        slow.ZeroGrad();
        for (int t = 0; t < k - 1; t++)
        {
            slow.Step();
        }

        for (int j = 0; j < parameters.Length; j++)
        {
            for (int i = 0; i < parameters[j].Length; i++)
            {
                Assert.AreEqual(start[j][i] + sum[j][i], parameters[j].Weights[i], 2e-6, $"k = {k}, {parameters[j].Name}[{i}]");
            }
        }

        // Nothing is pending any more: a further quiet step moves nothing.
        float[] settled = parameters[0].Weights.ToArray();
        slow.Step();
        CollectionAssert.AreEqual(settled, parameters[0].Weights.ToArray());
    }

    [TestMethod]
    public void Flush_AppliesEverythingPending()
    {
        const float lr = 0.1f;
        var p = new Parameter("fc", "weight", 2);
        var slow = new SlowLearning(new Sgd([p], lr), 4);
        float[][] gradients = [[1f, -2f], [0.5f, 0.5f], [-1f, 3f]];
        foreach (float[] g in gradients)
        {
            g.CopyTo(p.Gradients);
            slow.Step();
        }

        Assert.AreNotEqual(-lr * (1f + 0.5f - 1f), p.Weights[0], 1e-3f, "before Flush part of the updates is pending");
        slow.Flush();
        Assert.AreEqual(-lr * (1f + 0.5f - 1f), p.Weights[0], 1e-6f);
        Assert.AreEqual(-lr * (-2f + 0.5f + 3f), p.Weights[1], 1e-6f);
        slow.ZeroGrad();
        slow.Step();
        Assert.AreEqual(-lr * (-2f + 0.5f + 3f), p.Weights[1], 1e-6f, "after Flush nothing is pending");
    }

    [TestMethod]
    public void SharesGroupsWithInner_SoRateChangesReachIt()
    {
        var p = new Parameter("fc", "weight", 1);
        var inner = new Sgd([p], 0.1f);
        var slow = new SlowLearning(inner, 2);
        Assert.AreSame(inner.Groups[0], slow.Groups[0]);
        slow.Groups[0].LearningRate = 0.4f;
        p.Gradients[0] = 1f;
        slow.Step();
        Assert.AreEqual(-0.2f, p.Weights[0], 1e-7f, "half of −0.4·1 lands on the first step");
    }

    [TestMethod]
    public void LongRun_RunningSumDoesNotDrift()
    {
        // 2 000 steps of k = 7 with random gradients: position against the exact double-precision schedule.
        const int k = 7, steps = 2000;
        const float lr = 0.01f;
        var p = new Parameter("fc", "weight", 33);
        var slow = new SlowLearning(new Sgd([p], lr), k);
        var rng = new Random(12);
        var history = new List<double[]>();
        double[] expected = new double[p.Length];
        for (int t = 0; t < steps; t++)
        {
            double[] delta = new double[p.Length];
            for (int i = 0; i < p.Length; i++)
            {
                p.Gradients[i] = (float)(rng.NextDouble() - 0.45);
                delta[i] = -lr * p.Gradients[i];
            }

            history.Add(delta);
            for (int i = 0; i < p.Length; i++)
            {
                double applied = 0;
                for (int j = Math.Max(0, history.Count - k); j < history.Count; j++)
                {
                    applied += history[j][i];
                }

                expected[i] += applied / k;
            }

            slow.Step();
        }

        for (int i = 0; i < p.Length; i++)
        {
            Assert.AreEqual(expected[i], p.Weights[i], 1e-4 * (1 + Math.Abs(expected[i])), $"element {i}");
        }
    }

    private static Optimizer Create(string kind, IReadOnlyList<Parameter> parameters) => kind switch
    {
        "sgd_momentum" => new Sgd(parameters, 0.1f, momentum: 0.9f),
        "adam" => new Adam(parameters, 0.01f),
        _ => new RmsProp(parameters, 0.001f),
    };
}
