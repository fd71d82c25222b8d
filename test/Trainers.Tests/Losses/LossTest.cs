using System.Text.Json;
using MLGradientInsight.Trainers.Layers;
using MLGradientInsight.Trainers.Losses;
using MLGradientInsight.Trainers.Tests.Layers;

namespace MLGradientInsight.Trainers.Tests.Losses;

[TestClass]
public sealed class LossTest
{
    [TestMethod]
    [DataRow("cross_entropy", 1.0)]
    [DataRow("cross_entropy", 30.0)]
    [DataRow("nll", 1.0)]
    [DataRow("mse", 1.0)]
    public void Backward_MatchesFiniteDifferencesOfForward(string kind, double scale)
    {
        Loss loss = LayerFixtureParityTest.CreateLoss(kind);
        Tensor prediction = GradientCheck.RandomTensor(1, scale, 5, 4);
        Tensor target = kind == "mse" ? GradientCheck.RandomTensor(2, 1.0, 5, 4) : new Tensor([3f, 0f, 1f, 1f, 2f], 5);
        loss.Forward(prediction, target);
        float[] analytic = loss.Backward().Span.ToArray();
        GradientCheck.Compare(kind, prediction.Span, analytic, () => loss.Forward(prediction, target), 1e-2);
    }

    [TestMethod]
    [DataRow("nll")]
    [DataRow("log_softmax_nll")]
    [DataRow("cross_entropy")]
    [DataRow("cross_entropy_extreme")]
    [DataRow("log_softmax_nll_extreme")]
    [DataRow("mse")]
    [DataRow("mse_4d")]
    public void ValueAndGradient_MatchPyTorch(string name)
    {
        JsonElement fixture = FixtureFile.Load(name);
        Loss loss = LayerFixtureParityTest.CreateLoss(fixture.GetProperty("loss").GetString()!);
        Tensor input = fixture.Tensor("input");
        Tensor target = fixture.Tensor("target");
        var logSoftmax = new LogSoftmax("lsm");
        bool chained = fixture.GetProperty("through_log_softmax").GetBoolean();
        Tensor prediction = chained ? logSoftmax.Forward(input) : input;

        float value = loss.Forward(prediction, target);
        Tensor gradient = loss.Backward();
        if (chained)
        {
            gradient = logSoftmax.Backward(gradient)!;
        }

        double expected = fixture.GetProperty("value").GetDouble();
        Assert.IsTrue(float.IsFinite(value), $"{name}: loss is {value}");
        Assert.AreEqual(expected, value, (1e-5 * Math.Abs(expected)) + 1e-6, $"{name}: loss value");
        TensorAssert.AreClose(fixture.Tensor("grad_input"), gradient, $"{name} gradient");
    }

    [TestMethod]
    public void SoftmaxCrossEntropy_HugeLogits_StaysFiniteAndExact()
    {
        var loss = new SoftmaxCrossEntropyLoss();
        var logits = new Tensor([1e4f, -1e4f, 0f, -1e4f, 1e4f, 1e4f], 2, 3);
        var target = new Tensor([1f, 2f], 2);

        float value = loss.Forward(logits, target);

        // Row 0: target logit is 2e4 below the max → loss 2e4; row 1: two equal maxima → loss ln 2.
        Assert.AreEqual((2e4 + Math.Log(2)) / 2, value, 1e-2);
        ReadOnlySpan<float> g = loss.Backward().Span;
        Assert.AreEqual(0.5f, g[0], 1e-7f);
        Assert.AreEqual(-0.5f, g[1], 1e-7f);
        Assert.AreEqual(0f, g[2], 1e-7f);
        Assert.AreEqual(0f, g[3], 1e-7f);
        Assert.AreEqual(0.25f, g[4], 1e-7f);
        Assert.AreEqual(-0.25f, g[5], 1e-7f);
    }

    [TestMethod]
    public void Mse_TargetShapeMismatch_NamesBothShapes()
    {
        var ex = Assert.ThrowsExactly<ArgumentException>(() => new MseLoss().Forward(new Tensor(2, 3), new Tensor(3, 2)));
        Assert.AreEqual("target", ex.ParamName);
        Assert.Contains("[2, 3]", ex.Message);
        Assert.Contains("[3, 2]", ex.Message);
    }

    [TestMethod]
    [DataRow("cross_entropy")]
    [DataRow("nll")]
    public void Classification_TargetShapeMismatch_NamesBothShapes(string kind)
    {
        Loss loss = LayerFixtureParityTest.CreateLoss(kind);
        var ex = Assert.ThrowsExactly<ArgumentException>(() => loss.Forward(new Tensor(4, 3), new Tensor(5)));
        Assert.AreEqual("target", ex.ParamName);
        Assert.Contains("[4]", ex.Message);
        Assert.Contains("[5]", ex.Message);
    }

    [TestMethod]
    [DataRow("cross_entropy")]
    [DataRow("nll")]
    public void Classification_PredictionNotMatrix_Throws(string kind)
    {
        Loss loss = LayerFixtureParityTest.CreateLoss(kind);
        var ex = Assert.ThrowsExactly<ArgumentException>(() => loss.Forward(new Tensor(4, 3, 2), new Tensor(4)));
        Assert.AreEqual("prediction", ex.ParamName);
        Assert.Contains("[4, 3, 2]", ex.Message);
    }

    [TestMethod]
    [DataRow("cross_entropy", 3f)]
    [DataRow("cross_entropy", -1f)]
    [DataRow("cross_entropy", 0.5f)]
    [DataRow("nll", 3f)]
    [DataRow("nll", float.NaN)]
    public void Classification_BadClassIndex_Throws(string kind, float bad)
    {
        Loss loss = LayerFixtureParityTest.CreateLoss(kind);
        var ex = Assert.ThrowsExactly<ArgumentException>(() => loss.Forward(new Tensor(2, 3), new Tensor([0f, bad], 2)));
        Assert.AreEqual("target", ex.ParamName);
    }

    [TestMethod]
    public void Nll_CountCorrect_UsesArgMax()
    {
        var prediction = new Tensor([-0.1f, -3f, -2f, -4f, -0.2f, -3f, -1f, -1.5f, -0.5f], 3, 3);
        Assert.AreEqual(2, new NllLoss().CountCorrect(prediction, new Tensor([0f, 1f, 0f], 3)));
        Assert.IsTrue(new NllLoss().IsClassification);
        Assert.IsFalse(new MseLoss().IsClassification);
    }

    [TestMethod]
    public void Forward_ReusesGradientBuffer_AndSecondCallOverwrites()
    {
        var loss = new NllLoss();
        var prediction = new Tensor([-1f, -2f, -3f, -4f], 2, 2);
        loss.Forward(prediction, new Tensor([0f, 0f], 2));
        Tensor first = loss.Backward();
        loss.Forward(prediction, new Tensor([1f, 1f], 2));
        Tensor second = loss.Backward();
        Assert.AreSame(first, second);
        CollectionAssert.AreEqual(new[] { 0f, -0.5f, 0f, -0.5f }, second.Span.ToArray());
    }
}
