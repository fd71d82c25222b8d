using MLGradientInsight.Analyses.Evaluation;
using MLGradientInsight.Analyses.Robustness;
using MLGradientInsight.Analyses.Tests.Evaluation;
using MLGradientInsight.Trainers.Losses;

namespace MLGradientInsight.Analyses.Tests.Robustness;

[TestClass]
public sealed class LayerRobustnessAnalyzerTests
{
    [TestMethod]
    public void Reinitialisation_puts_one_layer_back_to_theta0_and_the_threshold_decides_the_verdict()
    {
        var evaluator = new QuadraticEvaluator();
        float[] a1 = [1, 2, 3], b1 = [-1, 0.5f];
        ModelState theta0 = QuadraticEvaluator.State([1, 2, 2.9f], [5, 5]), theta1 = QuadraticEvaluator.State(a1, b1);

        RobustnessResult result = LayerRobustnessAnalyzer.Run(evaluator, theta0, theta1, new RobustnessOptions { Modes = [LayerResetMode.Reinitialization], Threshold = 0.1 });

        Assert.AreEqual(0, result.Trained.Loss, 1e-12);
        LayerRobustness a = result.Layers.Single(r => r.Layer == "a"), b = result.Layers.Single(r => r.Layer == "b");
        Assert.AreEqual(evaluator.Loss([1, 2, 2.9f], b1), a.Loss, 1e-6);
        Assert.AreEqual(evaluator.Loss(a1, [5, 5]), b.Loss, 1e-6);
        Assert.AreEqual("robust", a.Verdict, $"accuracy drop {a.Damage}");
        Assert.AreEqual("critical", b.Verdict, $"accuracy drop {b.Damage}");
        Assert.AreEqual(1 - (1 / (1 + b.Loss)), b.Damage, 1e-9);
        CollectionAssert.AreEqual(a1, evaluator.Values("a.weight"), "θ1 is restored");
        Assert.AreEqual(LayerRobustnessAnalyzer.Plan(evaluator, new RobustnessOptions { Modes = [LayerResetMode.Reinitialization] }).Evaluations, evaluator.Evaluations);
    }

    [TestMethod]
    public void Rerandomisation_writes_fresh_draws_averaged_over_draws()
    {
        var evaluator = new QuadraticEvaluator { InitialValue = 10 };
        RobustnessResult result = LayerRobustnessAnalyzer.Run(
            evaluator, QuadraticEvaluator.State([1, 2, 3], [-1, 0.5f]), QuadraticEvaluator.State([1, 2, 3], [-1, 0.5f]),
            new RobustnessOptions { Modes = [LayerResetMode.Rerandomization], Draws = 3 });

        // Fresh values lie in [10, 11): the loss of layer a is at least Σ (10 − target)² = 81 + 64 + 49.
        Assert.IsGreaterThan(194.0, result.Layers.Single(r => r.Layer == "a").Loss);
        Assert.AreEqual(1 + (2 * 3), evaluator.Evaluations);
        Assert.IsTrue(result.Layers.All(r => r.Verdict == "critical"));
    }

    [TestMethod]
    public void Rerandomised_layers_of_a_real_model_differ_from_its_initial_weights()
    {
        // The engine initialises with new Random(seed); an analysis drawing from new Random(seed) would replay θ0.
        var (model, _, _, test) = SmallModels.BlobMlp(seed: 1);
        ModelState theta0 = ModelState.FromModel(model);
        var evaluator = new RecordingEvaluator(new SequentialModelEvaluator(model, new SoftmaxCrossEntropyLoss(), test));

        LayerRobustnessAnalyzer.Run(evaluator, theta0, theta0, new RobustnessOptions { Modes = [LayerResetMode.Rerandomization], Seed = 1 });

        float[] fresh = evaluator.Draws["fc1.weight"];
        Assert.IsFalse(fresh.AsSpan().SequenceEqual(theta0["fc1.weight"]));
        float bound = 1 / MathF.Sqrt(2);
        Assert.IsTrue(fresh.All(v => MathF.Abs(v) <= bound), "PyTorch's U(−1/√fan_in, 1/√fan_in)");
        Assert.IsGreaterThan(bound / 2, fresh.Max(MathF.Abs), "the draws fill the range");
    }

    [TestMethod]
    [DataRow(0.0)]
    [DataRow(-0.1)]
    [DataRow(double.NaN)]
    public void Bad_thresholds_are_rejected(double threshold)
    {
        ArgumentException e = Assert.ThrowsExactly<ArgumentException>(() => new RobustnessOptions { Threshold = threshold }.Validate());
        Assert.AreEqual(nameof(RobustnessOptions.Threshold), e.ParamName);
    }

    private sealed class RecordingEvaluator(IModelEvaluator inner) : IModelEvaluator
    {
        public Dictionary<string, float[]> Draws { get; } = [];

        public IReadOnlyList<StateTensorInfo> Tensors => inner.Tensors;

        public int EvaluationSampleCount => inner.EvaluationSampleCount;

        public void DrawInitial(string name, Span<float> destination, Random random)
        {
            inner.DrawInitial(name, destination, random);
            Draws[name] = destination.ToArray();
        }

        public ModelEvaluation Evaluate() => inner.Evaluate();

        public void Read(string name, Span<float> destination) => inner.Read(name, destination);

        public void Write(string name, ReadOnlySpan<float> values) => inner.Write(name, values);
    }
}
