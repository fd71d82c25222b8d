using MLGradientInsight.Trainers.Layers;
using MLGradientInsight.Trainers.Losses;
using MLGradientInsight.Trainers.Models;
using MLGradientInsight.Trainers.Optimizers;

namespace MLGradientInsight.Trainers.Tests.Layers;

/// <summary>
/// Conv2d and Linear with a fused ReLU against the same layer followed by a separate <see cref="ReLU"/>: outputs, input
/// gradients and parameter gradients must be bit-identical (the arithmetic is the same), and the fused layers' gradients
/// must match central finite differences.
/// </summary>
[TestClass]
public sealed class FusedReLUTest
{
    [TestMethod]
    [DataRow(1, 1, 6, 3, 3, 1, 0, 32, 32, true)] // LeNet-5 conv1 at batch 1 (shallow SIMD path)
    [DataRow(13, 6, 16, 3, 3, 1, 0, 15, 15, true)] // LeNet-5 conv2 (GEMM path), odd batch over 7 chunks
    [DataRow(3, 2, 5, 3, 2, 2, 1, 9, 11, false)] // no bias, strided, padded, odd sizes
    [DataRow(2, 1, 3, 2, 2, 1, 1, 5, 7, true)] // shallow sum on a short plane (not a multiple of 8)
    [DataRow(9, 3, 7, 1, 1, 1, 0, 3, 3, true)] // 1×1 kernel, plane 9
    public void Conv2d_FusedMatchesConvFollowedByReLU(int n, int cin, int cout, int kh, int kw, int stride, int padding, int h, int w, bool bias)
    {
        var fused = new Conv2d("conv", cin, cout, (kh, kw), new Random(21), (stride, stride), (padding, padding), bias, fuseReLU: true);
        var plain = new Conv2d("conv", cin, cout, (kh, kw), new Random(21), (stride, stride), (padding, padding), bias);
        Assert.IsTrue(fused.FusedReLU);
        Assert.IsFalse(plain.FusedReLU);
        CollectionAssert.AreEqual(plain.OutputShape([n, cin, h, w]), fused.OutputShape([n, cin, h, w]));

        // Two batch sizes one after the other: the owned buffers are resized between them.
        foreach (int batch in new[] { n, n + 2 })
        {
            Tensor x = GradientCheck.RandomTensor(22 + batch, 1.0, batch, cin, h, w);
            AssertSameAsUnfused(fused, new Sequential("plain", plain, new ReLU("relu")), x, seed: 23 + batch);
        }
    }

    [TestMethod]
    [DataRow(1, 576, 120, true)] // LeNet-5 fc1 at batch 1 (GEMM path)
    [DataRow(64, 120, 84, true)] // LeNet-5 fc2 at batch 64
    [DataRow(1, 3, 15, false)] // small-matrix path, no bias
    [DataRow(5, 17, 11, true)] // sizes that are not multiples of 8
    [DataRow(2, 9, 13, true)]
    public void Linear_FusedMatchesLinearFollowedByReLU(int n, int inputs, int outputs, bool bias)
    {
        var fused = new Linear("fc", inputs, outputs, new Random(31), bias, fuseReLU: true);
        var plain = new Linear("fc", inputs, outputs, new Random(31), bias);
        Assert.IsTrue(fused.FusedReLU);
        Assert.IsFalse(plain.FusedReLU);
        foreach (int batch in new[] { n, n + 3 })
        {
            Tensor x = GradientCheck.RandomTensor(32 + batch, 1.0, batch, inputs);
            AssertSameAsUnfused(fused, new Sequential("plain", plain, new ReLU("relu")), x, seed: 33 + batch);
        }
    }

    [TestMethod]
    public void Conv2d_Fused_WithoutInputGradient_StillMasksTheParameterGradients()
    {
        // The first layer of a model computes no dL/dx; its dW and db must still see only the active outputs.
        var fused = new Conv2d("conv", 1, 6, 3, new Random(41), fuseReLU: true) { NeedsInputGradient = false };
        var plain = new Conv2d("conv", 1, 6, 3, new Random(41)) { NeedsInputGradient = false };
        var relu = new ReLU("relu");
        Tensor x = GradientCheck.RandomTensor(42, 1.0, 10, 1, 12, 12);
        Tensor dy = GradientCheck.RandomTensor(43, 1.0, 10, 6, 10, 10);
        fused.ZeroGrad();
        plain.ZeroGrad();
        Tensor y = fused.Forward(x);
        Assert.IsNull(fused.Backward(dy));
        Tensor expected = relu.Forward(plain.Forward(x));
        plain.Backward(relu.Backward(dy)!);
        AssertBits(expected.Span.ToArray(), y.Span.ToArray(), "output");
        AssertBits(plain.Weight.Gradients.ToArray(), fused.Weight.Gradients.ToArray(), "weight gradient");
        AssertBits(plain.Bias!.Gradients.ToArray(), fused.Bias!.Gradients.ToArray(), "bias gradient");

        // Some outputs are inactive, so the unmasked bias gradient (Σ dy) differs: the check above is not vacuous.
        Assert.IsTrue(y.Span.ToArray().Any(v => v == 0f) && y.Span.ToArray().Any(v => v > 0f));
        double unmasked = 0;
        for (int s = 0; s < 10; s++)
        {
            for (int k = 0; k < 100; k++)
            {
                unmasked += dy.Span[(s * 600) + k];
            }
        }

        Assert.IsGreaterThan(1e-3, Math.Abs(unmasked - fused.Bias.Gradients[0]));
    }

    [TestMethod]
    public void Fused_Backward_LeavesTheCallersGradientUnchanged()
    {
        var conv = new Conv2d("conv", 2, 3, 3, new Random(51), fuseReLU: true);
        var fc = new Linear("fc", 7, 5, new Random(52), fuseReLU: true);
        conv.Forward(GradientCheck.RandomTensor(53, 1.0, 4, 2, 6, 6));
        fc.Forward(GradientCheck.RandomTensor(54, 1.0, 4, 7));
        Tensor convGradient = GradientCheck.RandomTensor(55, 1.0, 4, 3, 4, 4);
        Tensor fcGradient = GradientCheck.RandomTensor(56, 1.0, 4, 5);
        float[] convBefore = convGradient.Span.ToArray(), fcBefore = fcGradient.Span.ToArray();
        conv.Backward(convGradient);
        fc.Backward(fcGradient);
        CollectionAssert.AreEqual(convBefore, convGradient.Span.ToArray());
        CollectionAssert.AreEqual(fcBefore, fcGradient.Span.ToArray());
    }

    [TestMethod]
    public void FusedReLU_NaNAndSignedZero_AsTheSeparateReLU()
    {
        // A zero weight row and a NaN input: pre-activations of exactly +0 and NaN.
        var fused = new Linear("fc", 2, 3, new Random(61), fuseReLU: true);
        var plain = new Linear("fc", 2, 3, new Random(61));
        foreach (Linear l in new[] { fused, plain })
        {
            l.Weight.Weights[..2].Clear();
            l.Bias!.Weights[0] = 0f;
        }

        var x = new Tensor([1f, 2f, float.NaN, 1f], 2, 2);
        AssertSameAsUnfused(fused, new Sequential("plain", plain, new ReLU("relu")), x, seed: 62);
        Assert.IsTrue(float.IsNaN(fused.Forward(x).Span[4]), "NaN passes through as in torch.relu");
        Assert.AreEqual(0f, fused.Forward(x).Span[0]);
    }

    [TestMethod]
    [DataRow(true)]
    [DataRow(false)]
    public void Linear_Fused_GradientsMatchFiniteDifferences(bool bias)
    {
        (Tensor x, Linear fused) = AwayFromTheKink(
            seed => (GradientCheck.RandomTensor(seed, 1.0, 3, 5), new Linear("fc", 5, 4, new Random(71), bias, fuseReLU: true)),
            seed => new Linear("fc", 5, 4, new Random(71), bias));
        GradientCheck.Module(fused, x, 72);
    }

    [TestMethod]
    [DataRow(2, 3, 3, 3, 1, 0, true, 6, 6)] // GEMM path (rows 27)
    [DataRow(1, 4, 3, 3, 1, 1, true, 5, 6)] // shallow path (rows 9), padded
    [DataRow(3, 2, 2, 2, 2, 1, false, 7, 6)] // strided, no bias
    public void Conv2d_Fused_GradientsMatchFiniteDifferences(int cin, int cout, int kh, int kw, int stride, int padding, bool bias, int h, int w)
    {
        (Tensor x, Conv2d fused) = AwayFromTheKink(
            seed => (GradientCheck.RandomTensor(seed, 1.0, 2, cin, h, w),
                new Conv2d("conv", cin, cout, (kh, kw), new Random(81), (stride, stride), (padding, padding), bias, fuseReLU: true)),
            seed => new Conv2d("conv", cin, cout, (kh, kw), new Random(81), (stride, stride), (padding, padding), bias));
        GradientCheck.Module(fused, x, 82);
    }

    [TestMethod]
    public void LeNet5_FromTheZoo_MatchesTheUnfusedNetworkBitForBit()
    {
        Sequential fused = ModelZoo.LeNet5(7);
        Sequential plain = LeNet5Test.Build(7);
        CollectionAssert.AreEqual(plain.Parameters.Select(p => p.Name).ToArray(), fused.Parameters.Select(p => p.Name).ToArray());
        for (int i = 0; i < plain.Parameters.Count; i++)
        {
            CollectionAssert.AreEqual(plain.Parameters[i].Weights.ToArray(), fused.Parameters[i].Weights.ToArray(), plain.Parameters[i].Name);
        }

        Tensor x = GradientCheck.RandomTensor(8, 1.0, 11, 1, 32, 32);
        var y = new Tensor(11);
        for (int i = 0; i < 11; i++)
        {
            y.Span[i] = (i * 3) % 10;
        }

        // Two steps with a plain SGD update between them, so the second pass runs on trained weights.
        var plainSgd = new Sgd(plain.Parameters, 0.1f);
        var fusedSgd = new Sgd(fused.Parameters, 0.1f);
        for (int step = 0; step < 2; step++)
        {
            var plainLoss = new SoftmaxCrossEntropyLoss();
            var fusedLoss = new SoftmaxCrossEntropyLoss();
            plain.ZeroGrad();
            fused.ZeroGrad();
            Tensor plainOut = plain.Forward(x);
            Tensor fusedOut = fused.Forward(x);
            AssertBits(plainOut.Span.ToArray(), fusedOut.Span.ToArray(), $"step {step}: logits");
            Assert.AreEqual(plainLoss.Forward(plainOut, y), fusedLoss.Forward(fusedOut, y), $"step {step}: loss");
            plain.Backward(plainLoss.Backward());
            fused.Backward(fusedLoss.Backward());
            for (int i = 0; i < plain.Parameters.Count; i++)
            {
                AssertBits(plain.Parameters[i].Gradients.ToArray(), fused.Parameters[i].Gradients.ToArray(), $"step {step}: {plain.Parameters[i].Name}");
            }

            plainSgd.Step();
            fusedSgd.Step();
        }
    }

    [TestMethod]
    public void LeNet5_Summary_NamesTheFusedLayers()
    {
        string summary = ModelZoo.LeNet5(1).Summary([1, 32, 32]);
        StringAssert.Contains(summary, "Conv2d+ReLU");
        StringAssert.Contains(summary, "Linear+ReLU");
        string[] lines = summary.Split(Environment.NewLine);
        StringAssert.StartsWith(lines[0], "conv1");
        StringAssert.Contains(lines[0], "Conv2d+ReLU");
        Assert.IsTrue(lines.Any(l => l.StartsWith("fc3", StringComparison.Ordinal) && l.Contains(" Linear ", StringComparison.Ordinal)), summary);
        StringAssert.Contains(lines[^1], "total parameters 81194");
    }

    [TestMethod]
    public void Mlp_WithReLU_MatchesLinearAndReLULayers()
    {
        Sequential fused = ModelZoo.Mlp([7, 9, 5, 3], Activation.ReLU, 3);
        var rng = new Random(3);
        Sequential plain = new(
            "mlp",
            new Linear("fc1", 7, 9, rng),
            new ReLU("act1"),
            new Linear("fc2", 9, 5, rng),
            new ReLU("act2"),
            new Linear("fc3", 5, 3, rng));
        Assert.IsTrue(fused.Layers.OfType<Linear>().Take(2).All(l => l.FusedReLU));
        Assert.IsFalse(((Linear)fused.Layers[^1]).FusedReLU, "no activation after the last layer");
        AssertSameAsUnfused(fused, plain, GradientCheck.RandomTensor(4, 1.0, 6, 7), seed: 5, activatedOutput: false);
        float[] hidden = fused.Layers[0].Forward(GradientCheck.RandomTensor(4, 1.0, 6, 7)).Span.ToArray();
        Assert.IsTrue(hidden.Any(v => v == 0f) && hidden.Any(v => v > 0f), "some hidden units should be inactive and some active");

        // Other activations stay separate layers.
        Sequential tanh = ModelZoo.Mlp([7, 9, 3], Activation.Tanh, 3);
        Assert.HasCount(3, tanh.Layers);
        Assert.IsInstanceOfType<Tanh>(tanh.Layers[1]);
        Assert.IsFalse(((Linear)tanh.Layers[0]).FusedReLU);
    }

    // Forward and backward through both modules with the same input and a random dL/dy; everything must be bit-identical.
    private static void AssertSameAsUnfused(Module fused, Sequential plain, Tensor x, int seed, bool activatedOutput = true)
    {
        // A Sequential skips its first layer's input gradient; both sides must compute it here.
        plain.Layers[0].NeedsInputGradient = true;
        if (fused is Sequential model)
        {
            model.Layers[0].NeedsInputGradient = true;
        }

        fused.ZeroGrad();
        plain.ZeroGrad();
        float[] expected = plain.Forward(x).Span.ToArray();
        Tensor actual = fused.Forward(x);
        AssertBits(expected, actual.Span.ToArray(), "output");
        if (activatedOutput)
        {
            Assert.IsTrue(expected.Any(v => v == 0f) && expected.Any(v => v > 0f), "the data should make some units inactive and some active");
        }

        Tensor dy = GradientCheck.RandomTensor(seed, 1.0, actual.Shape.ToArray());
        float[] expectedInput = plain.Backward(dy)?.Span.ToArray() ?? [];
        float[] actualInput = fused.Backward(dy)?.Span.ToArray() ?? [];
        AssertBits(expectedInput, actualInput, "input gradient");
        for (int i = 0; i < plain.Parameters.Count; i++)
        {
            AssertBits(plain.Parameters[i].Gradients.ToArray(), fused.Parameters[i].Gradients.ToArray(), plain.Parameters[i].Name);
        }
    }

    private static void AssertBits(float[] expected, float[] actual, string what)
    {
        Assert.HasCount(expected.Length, actual, $"{what}: length");
        Assert.IsNotEmpty(expected, $"{what}: nothing to compare");
        for (int i = 0; i < expected.Length; i++)
        {
            if (BitConverter.SingleToInt32Bits(expected[i]) != BitConverter.SingleToInt32Bits(actual[i]))
            {
                Assert.Fail($"{what}[{i}]: expected {expected[i]:R} but got {actual[i]:R}.");
            }
        }
    }

    // Finite differences straddling the ReLU's kink at 0 are meaningless: pick the first input seed whose pre-activations (computed by the
    // unfused twin) stay farther from 0 than one finite-difference step (GradientCheck's eps) can move them: eps times the largest |x|
    // (a weight moved), |w| (an input moved) or 1 (a bias moved). The parameters are scaled up so that the pre-activations spread
    // widely compared with that reach.
    private static (Tensor Input, TLayer Fused) AwayFromTheKink<TLayer>(Func<int, (Tensor Input, TLayer Fused)> create, Func<int, Module> createPlain)
        where TLayer : Module
    {
        const double Eps = 1e-2;
        const float Scale = 8f;
        for (int seed = 0; seed < 2000; seed++)
        {
            (Tensor x, TLayer fused) = create(seed);
            Module plain = createPlain(seed);
            foreach (Module m in new[] { fused, plain })
            {
                foreach (Parameter p in m.Parameters)
                {
                    Span<float> v = p.Weights;
                    for (int i = 0; i < v.Length; i++)
                    {
                        v[i] *= Scale;
                    }
                }
            }

            float[] z = plain.Forward(x).Span.ToArray();
            double reach = Math.Max(1.0, Math.Max(x.Span.ToArray().Max(Math.Abs), plain.Parameters.Max(p => p.Weights.ToArray().Max(Math.Abs))));
            if (z.Min(Math.Abs) > 1.1 * Eps * reach && z.Any(v => v < 0) && z.Any(v => v > 0))
            {
                return (x, fused);
            }
        }

        Assert.Fail("No input seed keeps every pre-activation away from the ReLU's kink.");
        return default;
    }
}
