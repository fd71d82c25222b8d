using MLGradientInsight.Trainers.Layers;
using MLGradientInsight.Trainers.Losses;
using MLGradientInsight.Trainers.Optimizers;

namespace MLGradientInsight.Trainers.Tests.Layers;

/// <summary>The LeNet-5 of the 002 paper, built from these layers.</summary>
[TestClass]
public sealed class LeNet5Test
{
    internal static Sequential Build(int seed)
    {
        var rng = new Random(seed);
        return new Sequential(
            "lenet5",
            new Conv2d("conv1", 1, 6, 3, rng),
            new ReLU("relu1"),
            new MaxPool2d("pool1", 2),
            new Conv2d("conv2", 6, 16, 3, rng),
            new ReLU("relu2"),
            new MaxPool2d("pool2", 2),
            new Flatten("flatten"),
            new Linear("fc1", 576, 120, rng),
            new ReLU("relu3"),
            new Linear("fc2", 120, 84, rng),
            new ReLU("relu4"),
            new Linear("fc3", 84, 10, rng));
    }

    [TestMethod]
    public void Shapes_AndParameterCount()
    {
        Sequential model = Build(1);
        CollectionAssert.AreEqual(new[] { 7, 10 }, model.OutputShape([7, 1, 32, 32]));
        Assert.AreEqual((6 * 9) + 6 + (16 * 54) + 16 + (576 * 120) + 120 + (120 * 84) + 84 + (84 * 10) + 10, model.ParameterCount);
        CollectionAssert.AreEqual(
            new[] { "conv1.weight", "conv1.bias", "conv2.weight", "conv2.bias", "fc1.weight", "fc1.bias", "fc2.weight", "fc2.bias", "fc3.weight", "fc3.bias" },
            model.Parameters.Select(p => p.Name).ToArray());
    }

    [TestMethod]
    public void Sgd_OnAFixedBatch_LossFalls()
    {
        Sequential model = Build(2);
        Tensor x = GradientCheck.RandomTensor(3, 1.0, 10, 1, 32, 32);
        var y = new Tensor(10);
        for (int i = 0; i < 10; i++)
        {
            y.Span[i] = i % 10;
        }

        var loss = new SoftmaxCrossEntropyLoss();
        var sgd = new Sgd(model.Parameters, 0.1f);
        float first = 0, last = 0;
        for (int step = 0; step < 40; step++)
        {
            model.ZeroGrad();
            last = loss.Forward(model.Forward(x), y);
            first = step == 0 ? last : first;
            model.Backward(loss.Backward());
            sgd.Step();
        }

        Assert.IsLessThan(first * 0.8f, last);
    }
}
