using MLGradientInsight.Analyses.Evaluation;
using MLGradientInsight.Analyses.LinearPath;
using MLGradientInsight.Analyses.Tests.Evaluation;
using MLGradientInsight.Trainers.Losses;

namespace MLGradientInsight.Analyses.Tests.LinearPath;

[TestClass]
public sealed class LinearPathAnalyzerTests
{
    private static readonly float[] s_a0 = [0, 0, 0];
    private static readonly float[] s_b0 = [0, 0];
    private static readonly float[] s_a1 = [1, 2, 2];
    private static readonly float[] s_b1 = [-1, 1];

    [TestMethod]
    public void Whole_model_path_matches_the_loss_at_every_interpolated_state_and_leaves_theta1()
    {
        var evaluator = new QuadraticEvaluator();
        var options = new LinearPathOptions { Alphas = AlphaGrid.Parse("-0.5:1.5:9") };
        LinearPathResult result = LinearPathAnalyzer.Run(evaluator, QuadraticEvaluator.State(s_a0, s_b0), QuadraticEvaluator.State(s_a1, s_b1), options);

        Assert.AreEqual(options.Alphas.Count, result.Points.Count);
        foreach (LinearPathPoint p in result.Points)
        {
            float[] a = [.. s_a0.Zip(s_a1, (x, y) => (float)(((1 - p.Alpha) * x) + (p.Alpha * y)))];
            float[] b = [.. s_b0.Zip(s_b1, (x, y) => (float)(((1 - p.Alpha) * x) + (p.Alpha * y)))];
            Assert.AreEqual(evaluator.Loss(a, b), p.Loss, 1e-5, $"α = {p.Alpha}");
            Assert.AreEqual("model", p.Target);
        }

        Assert.AreEqual(evaluator.Loss(s_a0, s_b0), result.Points.Single(p => p.Alpha == 0).Loss);
        Assert.AreEqual(evaluator.Loss(s_a1, s_b1), result.Points.Single(p => p.Alpha == 1).Loss);
        CollectionAssert.AreEqual(s_a1, evaluator.Values("a.weight"));
        CollectionAssert.AreEqual(s_b1, evaluator.Values("b.weight"));
        Assert.AreEqual(LinearPathAnalyzer.Plan(evaluator, options).Evaluations, evaluator.Evaluations);
        Assert.AreEqual(evaluator.Evaluations, result.Cost.Evaluations);
    }

    [TestMethod]
    public void Per_layer_path_moves_one_layer_and_holds_the_others_at_theta1()
    {
        var evaluator = new QuadraticEvaluator();
        var options = new LinearPathOptions { Scope = LinearPathScope.Layer, Alphas = [0, 0.5, 1] };
        LinearPathResult result = LinearPathAnalyzer.Run(evaluator, QuadraticEvaluator.State(s_a0, s_b0), QuadraticEvaluator.State(s_a1, s_b1), options);

        CollectionAssert.AreEqual(new[] { "a", "b" }, result.Points.Select(p => p.Target).Distinct().ToArray());
        Assert.AreEqual(evaluator.Loss(s_a0, s_b1), result.Points.Single(p => p.Target == "a" && p.Alpha == 0).Loss);
        Assert.AreEqual(evaluator.Loss(s_a1, s_b0), result.Points.Single(p => p.Target == "b" && p.Alpha == 0).Loss);
        Assert.AreEqual(evaluator.Loss(s_a1, [-0.5f, 0.5f]), result.Points.Single(p => p.Target == "b" && p.Alpha == 0.5).Loss, 1e-6);
    }

    [TestMethod]
    public void Per_parameter_path_moves_exactly_one_sampled_scalar_and_the_sample_is_seeded()
    {
        var evaluator = new QuadraticEvaluator();
        var options = new LinearPathOptions { Scope = LinearPathScope.Parameter, ParametersPerLayer = 2, Alphas = [0, 1], Seed = 5 };
        LinearPathResult result = LinearPathAnalyzer.Run(evaluator, QuadraticEvaluator.State(s_a0, s_b0), QuadraticEvaluator.State(s_a1, s_b1), options);
        LinearPathResult again = LinearPathAnalyzer.Run(evaluator, QuadraticEvaluator.State(s_a0, s_b0), QuadraticEvaluator.State(s_a1, s_b1), options);

        string[] targets = [.. result.Points.Select(p => p.Target).Distinct()];
        CollectionAssert.AreEqual(targets, again.Points.Select(p => p.Target).Distinct().ToArray());
        Assert.AreEqual(2, targets.Count(t => t.StartsWith("a.weight[", StringComparison.Ordinal)));
        Assert.AreEqual(2, targets.Count(t => t.StartsWith("b.weight[", StringComparison.Ordinal)), "running statistics are never sampled");
        foreach (string t in targets)
        {
            int index = int.Parse(t[(t.IndexOf('[') + 1)..^1], System.Globalization.CultureInfo.InvariantCulture);
            float[] a = (float[])s_a1.Clone(), b = (float[])s_b1.Clone();
            (t.StartsWith('a') ? a : b)[index] = 0;
            Assert.AreEqual(evaluator.Loss(a, b), result.Points.Single(p => p.Target == t && p.Alpha == 0).Loss, 1e-6, t);
        }

        Assert.AreEqual(4, result.Distances.Count(d => d.Scope == "parameter"));
    }

    [TestMethod]
    public void Running_variance_is_interpolated_and_clamped_at_zero_when_extrapolating()
    {
        var evaluator = new SpyEvaluator();
        LinearPathAnalyzer.Run(
            evaluator, QuadraticEvaluator.State(s_a0, s_b0, [0.5f, 4]), QuadraticEvaluator.State(s_a1, s_b1, [2, 1]),
            new LinearPathOptions { Alphas = [-1, 0.5] });

        CollectionAssert.AreEqual(new[] { 0f, 7f }, evaluator.Seen[0], "α = −1: 2·0.5 − 2 = −1 → 0, 2·4 − 1 = 7");
        CollectionAssert.AreEqual(new[] { 1.25f, 2.5f }, evaluator.Seen[1]);
    }

    [TestMethod]
    public void Distances_are_euclidean_per_model_layer_and_tensor_without_running_statistics()
    {
        var evaluator = new QuadraticEvaluator();
        IReadOnlyList<ParameterDistance> d = ParameterDistances.Measure(evaluator, QuadraticEvaluator.State([3, 0, 0], [1, 1], [1, 1]), QuadraticEvaluator.State([3, 4, 0], [1, 1], [9, 9]));

        ParameterDistance model = d.Single(x => x.Scope == "model");
        Assert.AreEqual(4, model.Distance, 1e-12);
        Assert.AreEqual(Math.Sqrt(11), model.InitialNorm, 1e-12);
        Assert.AreEqual(5, model.Count);
        Assert.AreEqual(4 / 3.0, d.Single(x => x.Target == "a").RelativeDistance, 1e-12);
        Assert.AreEqual(0, d.Single(x => x.Target == "b").Distance);
        Assert.IsFalse(d.Any(x => x.Target.Contains("running", StringComparison.Ordinal)));
    }

    [TestMethod]
    public void A_state_missing_a_tensor_is_named_in_the_error()
    {
        var evaluator = new QuadraticEvaluator();
        var partial = new ModelState([new("a.weight", new float[3])]);
        ArgumentException e = Assert.ThrowsExactly<ArgumentException>(() => LinearPathAnalyzer.Run(evaluator, partial, QuadraticEvaluator.State(s_a1, s_b1)));
        StringAssert.Contains(e.Message, "b.weight");
    }

    [TestMethod]
    public void Trained_mlp_has_no_barrier_on_the_path_from_its_initialisation()
    {
        // Goodfellow & Vinyals 2015 on a small scale: loss along θ0 → θ1 never rises above its start and ends far lower.
        var (model, trainer, train, test) = SmallModels.BlobMlp();
        ModelState theta0 = ModelState.FromModel(model);
        trainer.Fit(train);
        ModelState theta1 = ModelState.FromModel(model);
        var evaluator = new SequentialModelEvaluator(model, new SoftmaxCrossEntropyLoss(), EvaluationSet.Sample(test, 200, 1));

        LinearPathResult result = LinearPathAnalyzer.Run(evaluator, theta0, theta1, new LinearPathOptions { Alphas = AlphaGrid.Parse("0:1:11") });

        double start = result.Points[0].Loss, end = result.Points[^1].Loss;
        Assert.IsLessThan(start / 3, end, $"trained loss {end} vs initial {start}");
        Assert.IsTrue(result.Points.All(p => p.Loss <= start + 1e-6), string.Join(", ", result.Points.Select(p => p.Loss)));
        Assert.AreEqual(trainer.Evaluate(EvaluationSet.Sample(test, 200, 1)).Loss, end, 1e-5);
    }

    private sealed class SpyEvaluator : IModelEvaluator
    {
        private readonly QuadraticEvaluator _inner = new();

        public List<float[]> Seen { get; } = [];

        public IReadOnlyList<StateTensorInfo> Tensors => _inner.Tensors;

        public int EvaluationSampleCount => 1;

        public void DrawInitial(string name, Span<float> destination, Random random) => _inner.DrawInitial(name, destination, random);

        public ModelEvaluation Evaluate()
        {
            Seen.Add((float[])_inner.Values("b.running_var").Clone());
            return _inner.Evaluate();
        }

        public void Read(string name, Span<float> destination) => _inner.Read(name, destination);

        public void Write(string name, ReadOnlySpan<float> values) => _inner.Write(name, values);
    }
}
