using MLGradientInsight.Analyses.GradientSpace;
using MLGradientInsight.Trainers;
using MLGradientInsight.Trainers.Data;

namespace MLGradientInsight.Analyses.Tests.GradientSpace;

[TestClass]
public sealed class PerSampleGradientPassTests
{
    public static IEnumerable<object[]> ModelCases =>
    [
        ["relu-mlp"],
        ["tanh-mlp"],
        ["small-conv"],
    ];

    [TestMethod]
    [DynamicData(nameof(ModelCases))]
    public void Sums_of_per_sample_gradients_match_the_naive_loop(string name)
    {
        (Sequential model, Dataset data) = Create(name, 9);
        int p = model.Parameters.Count;
        double[][] sum = Alloc(model), sumAbs = Alloc(model), sumSquares = Alloc(model);
        var pass = new PerSampleGradientPass(model);
        var batch = new Tensor(1);
        var targets = new Tensor(1);
        var gradient = new Tensor(1);

        // Two batches of uneven size: the accumulators add across batches.
        foreach (int[] indices in new[] { new[] { 0, 1, 2, 3, 4 }, new[] { 5, 6, 7, 8 } })
        {
            data.CopyBatch(indices, batch, targets);
            Tensor z = pass.Forward(batch);
            float[] labels = targets.Span.ToArray();
            SampleLoss.Gradient(z, n => (int)labels[n], gradient);
            pass.Backward(gradient);
            pass.AccumulateSums(sum, sumAbs, sumSquares);
        }

        double[][] expectedSum = Alloc(model), expectedAbs = Alloc(model), expectedSquares = Alloc(model);
        for (int n = 0; n < data.Count; n++)
        {
            float[][] g = Models.NaiveGradient(model, data, n, (int)data.Targets.Span[n]);
            for (int k = 0; k < p; k++)
            {
                for (int e = 0; e < g[k].Length; e++)
                {
                    expectedSum[k][e] += g[k][e];
                    expectedAbs[k][e] += Math.Abs(g[k][e]);
                    expectedSquares[k][e] += (double)g[k][e] * g[k][e];
                }
            }
        }

        for (int k = 0; k < p; k++)
        {
            string what = model.Parameters[k].Name;
            AssertClose(expectedSum[k], sum[k], what + " Σg");
            AssertClose(expectedAbs[k], sumAbs[k], what + " Σ|g|");
            AssertClose(expectedSquares[k], sumSquares[k], what + " Σg²");
            Assert.IsTrue(expectedAbs[k].Any(v => v > 0), $"{what}: the reference gradient is all zero, so the test would prove nothing.");
        }

        Assert.IsTrue(model.Parameters.All(q => q.Gradients.ToArray().All(v => v == 0)), "parameter gradients are left at zero");
    }

    [TestMethod]
    [DynamicData(nameof(ModelCases))]
    public void Gathered_per_sample_gradients_for_every_class_match_the_naive_loop(string name)
    {
        (Sequential model, Dataset data) = Create(name, 4);
        int classes = data.ClassCount;

        // Every third element of every parameter, and the last one.
        int[][] selection = [.. model.Parameters.Select(q => Enumerable.Range(0, q.Length).Where(e => e % 3 == 0 || e == q.Length - 1).ToArray())];
        int features = selection.Sum(s => s.Length);
        var pass = new PerSampleGradientPass(model);
        var gradient = new Tensor(1);
        float[] rows = new float[data.Count * classes * features];
        for (int c = 0; c < classes; c++)
        {
            Tensor z = pass.Forward(data.Features);
            SampleLoss.Gradient(z, _ => c, gradient);
            pass.Backward(gradient);
            pass.Gather(selection, rows, c * features, classes * features);
        }

        for (int n = 0; n < data.Count; n++)
        {
            for (int c = 0; c < classes; c++)
            {
                float[][] g = Models.NaiveGradient(model, data, n, c);
                int f = ((n * classes) + c) * features;
                for (int k = 0; k < selection.Length; k++)
                {
                    foreach (int e in selection[k])
                    {
                        Assert.AreEqual(g[k][e], rows[f], 1e-5f + (1e-4f * Math.Abs(g[k][e])), $"sample {n} class {c} {model.Parameters[k].Name}[{e}]");
                        f++;
                    }
                }
            }
        }
    }

    [TestMethod]
    [DynamicData(nameof(ModelCases))]
    public void Per_sample_gradients_match_central_finite_differences(string name)
    {
        (Sequential model, Dataset data) = Create(name, 3);
        int[][] all = [.. model.Parameters.Select(q => Enumerable.Range(0, q.Length).ToArray())];
        int features = all.Sum(s => s.Length);
        var pass = new PerSampleGradientPass(model);
        var gradient = new Tensor(1);
        float[] rows = new float[data.Count * features];
        Tensor z = pass.Forward(data.Features);
        SampleLoss.Gradient(z, n => (int)data.Targets.Span[n], gradient);
        pass.Backward(gradient);
        pass.Gather(all, rows, 0, features);

        var random = new Random(5);
        const float h = 1e-2f;
        for (int trial = 0; trial < 12; trial++)
        {
            int n = random.Next(data.Count), k = random.Next(all.Length), e = random.Next(model.Parameters[k].Length);
            int cls = (int)data.Targets.Span[n];
            Span<float> w = model.Parameters[k].Weights;
            float saved = w[e];
            w[e] = saved + h;
            double plus = Models.SampleLossValue(model, data, n, cls);
            model.Parameters[k].Weights[e] = saved - h;
            double minus = Models.SampleLossValue(model, data, n, cls);
            model.Parameters[k].Weights[e] = saved;
            double numeric = (plus - minus) / (2 * h);
            int offset = all.Take(k).Sum(s => s.Length) + e;
            Assert.AreEqual(numeric, rows[(n * features) + offset], 2e-3 + (2e-2 * Math.Abs(numeric)), $"sample {n} {model.Parameters[k].Name}[{e}]");
        }
    }

    [TestMethod]
    public void Sums_before_a_backward_pass_are_refused()
    {
        var pass = new PerSampleGradientPass(Models.ReluMlp(1));
        InvalidOperationException e = Assert.ThrowsExactly<InvalidOperationException>(() => pass.AccumulateSums(Array.Empty<double[]>(), Array.Empty<double[]>(), Array.Empty<double[]>()));
        StringAssert.Contains(e.Message, "Forward and Backward");
    }

    internal static (Sequential Model, Dataset Data) Create(string name, int count) => name switch
    {
        "relu-mlp" => (Models.ReluMlp(11), Models.Data(count, [12], 3, 21)),
        "tanh-mlp" => (Models.TanhMlp(12), Models.Data(count, [12], 3, 22)),
        "small-conv" => (Models.SmallConvNet(13), Models.Data(count, [1, 6, 6], 3, 23)),
        _ => throw new ArgumentException(name),
    };

    private static double[][] Alloc(Sequential model) => [.. model.Parameters.Select(q => new double[q.Length])];

    private static void AssertClose(double[] expected, double[] actual, string what)
    {
        Assert.HasCount(expected.Length, actual);
        for (int i = 0; i < expected.Length; i++)
        {
            Assert.AreEqual(expected[i], actual[i], 1e-5 + (1e-4 * Math.Abs(expected[i])), $"{what}[{i}]");
        }
    }
}
