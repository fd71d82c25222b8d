using System.Numerics.Tensors;
using MLGradientInsight.Trainers.Optimizers;

namespace MLGradientInsight.Trainers.Tests.Optimizers;

[TestClass]
public sealed class LarsTest
{
    [TestMethod]
    [DataRow(3f, 4f, 0.001f, 0f, 0f, 0.00075f)]
    [DataRow(3f, 4f, 0.02f, 0.5f, 0f, 0.02f * 3f / 5.5f)]
    [DataRow(0f, 4f, 0.02f, 0.5f, 0f, 1f)]
    [DataRow(3f, 0f, 0.02f, 0.5f, 0f, 1f)]
    [DataRow(2f, 1f, 0.1f, 0f, 1f, 0.1f)]
    public void TrustRatio_ClosedForm(float weightNorm, float gradientNorm, float trust, float weightDecay, float epsilon, float expected)
    {
        Assert.AreEqual(expected, Lars.TrustRatio(weightNorm, gradientNorm, trust, weightDecay, epsilon), 1e-7f);
    }

    [TestMethod]
    public void Step_TwoSteps_FollowAlgorithmOne()
    {
        // v₁ = γλ₁(g + βw₀); w₁ = w₀ − v₁; v₂ = μv₁ + γλ₂(g + βw₁); w₂ = w₁ − v₂ (same gradient both steps).
        const float lr = 0.5f, mu = 0.9f, beta = 0.01f, eta = 0.02f;
        float[] w0 = [0.6f, -0.8f, 0.3f];
        float[] g = [0.1f, 0.2f, -0.4f];
        var p = new Parameter("fc", "weight", 3, 1);
        w0.CopyTo(p.Weights);
        g.CopyTo(p.Gradients);
        var lars = new Lars([p], lr, mu, beta, eta);
        double[] w = [.. w0.Select(x => (double)x)], v = new double[3];
        for (int step = 1; step <= 2; step++)
        {
            double wn = Math.Sqrt(w.Sum(x => x * x)), gn = Math.Sqrt(g.Sum(x => (double)x * x));
            double ratio = eta * wn / (gn + (beta * wn));
            for (int i = 0; i < 3; i++)
            {
                v[i] = (mu * v[i]) + (lr * ratio * (g[i] + (beta * w[i])));
                w[i] -= v[i];
            }

            lars.Step();
            for (int i = 0; i < 3; i++)
            {
                Assert.AreEqual(w[i], p.Weights[i], 1e-6, $"step {step}, element {i}");
            }
        }
    }

    [TestMethod]
    public void ExcludeBiasAndNormalization_BiasTakesPlainMomentumStep()
    {
        var weight = new Parameter("fc", "weight", 2, 2);
        var bias = new Parameter("fc", "bias", 2);
        new float[] { 1f, 2f, 3f, 4f }.CopyTo(weight.Weights);
        new float[] { 0.5f, -0.5f }.CopyTo(bias.Weights);
        new float[] { 0.1f, 0.1f, 0.1f, 0.1f }.CopyTo(weight.Gradients);
        new float[] { 0.2f, -0.4f }.CopyTo(bias.Gradients);
        var lars = new Lars([weight, bias], new LarsOptions { LearningRate = 0.1f, WeightDecay = 0.5f, ExcludeBiasAndNormalization = true });
        float ratio = Lars.TrustRatio(TensorPrimitives.Norm<float>([1f, 2f, 3f, 4f]), 0.2f, 1e-3f, 0.5f, 0f);
        lars.Step();
        Assert.AreEqual(0.5f - (0.1f * 0.2f), bias.Weights[0], 1e-7f, "bias: no trust ratio, no decay");
        Assert.AreEqual(-0.5f + (0.1f * 0.4f), bias.Weights[1], 1e-7f);
        Assert.AreEqual(1f - (0.1f * ratio * (0.1f + (0.5f * 1f))), weight.Weights[0], 1e-7f, "weight: trust ratio and decay");
    }
}
