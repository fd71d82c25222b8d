using MLGradientInsight.Trainers.Layers;

namespace MLGradientInsight.Trainers.Tests.Layers;

/// <summary>Contracts shared by every layer: gradient accumulation, skipped input gradients, shape errors, buffer reuse.</summary>
[TestClass]
public sealed class LayerBehaviourTest
{
    public static IEnumerable<object[]> ParameterizedLayers =>
    [
        ["linear"],
        ["conv2d"],
        ["conv2d_strided_padded"],
        ["batchnorm1d"],
        ["batchnorm2d"],
    ];

    public static IEnumerable<object[]> AllLayers =>
    [
        .. ParameterizedLayers,
        ["maxpool2d"],
        ["avgpool2d"],
        ["flatten"],
        ["relu"],
        ["leaky_relu"],
        ["tanh"],
        ["sigmoid"],
        ["dropout"],
        ["log_softmax"],
    ];

    [TestMethod]
    [DynamicData(nameof(ParameterizedLayers))]
    public void Backward_Twice_DoublesParameterGradients(string kind)
    {
        (Module layer, Tensor input) = Make(kind);
        Tensor output = layer.Forward(input);
        Tensor upstream = GradientCheck.RandomTensor(5, 1.0, output.Shape.ToArray());
        layer.ZeroGrad();
        layer.Backward(upstream);
        float[][] once = [.. layer.Parameters.Select(p => p.Gradients.ToArray())];
        layer.Backward(upstream);
        for (int k = 0; k < once.Length; k++)
        {
            float[] doubled = [.. once[k].Select(v => 2 * v)];
            Assert.IsTrue(once[k].Any(v => v != 0), $"{layer.Parameters[k].Name}: gradient is all zero");
            TensorAssert.AreClose(doubled, layer.Parameters[k].Gradients, $"{layer.Parameters[k].Name} after two backward passes");
        }

        layer.ZeroGrad();
        Assert.IsTrue(layer.Parameters.All(p => p.Gradients.ToArray().All(v => v == 0)), "ZeroGrad leaves non-zero gradients");
    }

    [TestMethod]
    [DynamicData(nameof(AllLayers))]
    public void NeedsInputGradientFalse_ReturnsNull_AndKeepsParameterGradients(string kind)
    {
        (Module reference, Tensor input) = Make(kind);
        (Module skipping, _) = Make(kind);
        skipping.NeedsInputGradient = false;
        Tensor upstream = GradientCheck.RandomTensor(6, 1.0, reference.Forward(input).Shape.ToArray());
        Assert.IsNotNull(reference.Backward(upstream));
        skipping.Forward(input);
        Assert.IsNull(skipping.Backward(upstream));
        for (int k = 0; k < reference.Parameters.Count; k++)
        {
            CollectionAssert.AreEqual(reference.Parameters[k].Gradients.ToArray(), skipping.Parameters[k].Gradients.ToArray(), reference.Parameters[k].Name);
        }
    }

    [TestMethod]
    [DynamicData(nameof(AllLayers))]
    public void Backward_WrongGradientShape_ThrowsNamingBothShapes(string kind)
    {
        (Module layer, Tensor input) = Make(kind);
        Tensor output = layer.Forward(input);
        int[] wrong = output.Shape.ToArray();
        wrong[^1] += 1;
        var ex = Assert.ThrowsExactly<ArgumentException>(() => layer.Backward(new Tensor(wrong)));
        Assert.AreEqual("outputGradient", ex.ParamName);
        Assert.Contains(Tensor.FormatShape(output.Shape), ex.Message);
        Assert.Contains(Tensor.FormatShape(wrong), ex.Message);
    }

    [TestMethod]
    [DynamicData(nameof(AllLayers))]
    public void Backward_BeforeForward_ThrowsInvalidOperation(string kind)
    {
        (Module layer, Tensor input) = Make(kind);
        Assert.ThrowsExactly<InvalidOperationException>(() => layer.Backward(input));
    }

    [TestMethod]
    [DynamicData(nameof(AllLayers))]
    public void OutputShape_AgreesWithForward(string kind)
    {
        (Module layer, Tensor input) = Make(kind);
        CollectionAssert.AreEqual(layer.OutputShape(input.Shape), layer.Forward(input).Shape.ToArray());
    }

    [TestMethod]
    [DynamicData(nameof(AllLayers))]
    public void SecondStep_SameBatchSize_DoesNotAllocate(string kind)
    {
        (Module layer, Tensor input) = Make(kind);
        Tensor upstream = GradientCheck.RandomTensor(7, 1.0, layer.OutputShape(input.Shape));
        for (int i = 0; i < 3; i++)
        {
            layer.Forward(input);
            layer.Backward(upstream);
        }

        long before = GC.GetAllocatedBytesForCurrentThread();
        layer.Forward(input);
        layer.Backward(upstream);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.AreEqual(0L, allocated, $"{kind}: a forward + backward step allocated {allocated} bytes");
    }

    [TestMethod]
    [DynamicData(nameof(AllLayers))]
    public void SmallerThenLargerBatch_GivesSameResultsAsFreshLayer(string kind)
    {
        // Dropout draws a new mask per call; the buffer-reuse question is the same in evaluation mode.
        (Module layer, Tensor input) = Make(kind);
        layer.SetTraining(kind != "dropout");
        int[] smallShape = input.Shape.ToArray();
        smallShape[0] = 1;
        var small = new Tensor(input.Span[..Tensor.CheckedLength(smallShape, "s")].ToArray(), smallShape);
        if (layer is not BatchNorm)
        {
            Tensor smallOut = layer.Forward(small);
            layer.Backward(GradientCheck.RandomTensor(8, 1.0, smallOut.Shape.ToArray()));
        }

        (Module fresh, _) = Make(kind);
        fresh.SetTraining(kind != "dropout");
        Tensor upstream = GradientCheck.RandomTensor(9, 1.0, layer.OutputShape(input.Shape));
        float[] expectedOut = fresh.Forward(input).Span.ToArray();
        float[] expectedGrad = fresh.Backward(upstream)!.Span.ToArray();
        CollectionAssert.AreEqual(expectedOut, layer.Forward(input).Span.ToArray(), "output");
        CollectionAssert.AreEqual(expectedGrad, layer.Backward(upstream)!.Span.ToArray(), "input gradient");
    }

    /// <summary>A small layer of the given kind with a matching seeded input.</summary>
    internal static (Module Layer, Tensor Input) Make(string kind)
    {
        var rng = new Random(11);
        return kind switch
        {
            "linear" => (new Linear("fc", 5, 3, rng), GradientCheck.RandomTensor(1, 1.0, 4, 5)),
            "conv2d" => (new Conv2d("conv", 2, 3, 3, rng), GradientCheck.RandomTensor(1, 1.0, 3, 2, 6, 5)),
            "conv2d_strided_padded" => (new Conv2d("conv", 2, 3, (3, 2), rng, (2, 1), (1, 1)), GradientCheck.RandomTensor(1, 1.0, 3, 2, 7, 5)),
            "batchnorm1d" => (new BatchNorm1d("bn", 4), GradientCheck.RandomTensor(1, 1.0, 5, 4)),
            "batchnorm2d" => (new BatchNorm2d("bn", 2), GradientCheck.RandomTensor(1, 1.0, 3, 2, 3, 3)),
            "maxpool2d" => (new MaxPool2d("pool", 2), GradientCheck.RandomTensor(1, 1.0, 2, 2, 4, 5)),
            "avgpool2d" => (new AvgPool2d("pool", 2), GradientCheck.RandomTensor(1, 1.0, 2, 2, 4, 5)),
            "flatten" => (new Flatten("flat"), GradientCheck.RandomTensor(1, 1.0, 2, 3, 2, 2)),
            "relu" => (new ReLU("act"), GradientCheck.RandomTensor(1, 1.0, 3, 4)),
            "leaky_relu" => (new LeakyReLU("act"), GradientCheck.RandomTensor(1, 1.0, 3, 4)),
            "tanh" => (new Tanh("act"), GradientCheck.RandomTensor(1, 1.0, 3, 4)),
            "sigmoid" => (new Sigmoid("act"), GradientCheck.RandomTensor(1, 1.0, 3, 4)),
            "dropout" => (new Dropout("drop", 0.5f, rng), GradientCheck.RandomTensor(1, 1.0, 3, 4)),
            "log_softmax" => (new LogSoftmax("lsm"), GradientCheck.RandomTensor(1, 1.0, 3, 4)),
            _ => throw new AssertFailedException($"unknown kind {kind}"),
        };
    }
}
