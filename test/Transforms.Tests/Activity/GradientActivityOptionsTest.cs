using MLGradientInsight.Transforms.Activity;

namespace MLGradientInsight.Transforms.Tests.Activity;

[TestClass]
public sealed class GradientActivityOptionsTest
{
    [TestMethod]
    public void Defaults_AreValid_AndDocumentedConstants()
    {
        var o = new GradientActivityOptions();
        o.Validate();
        Assert.AreEqual(GradientActivityOptions.DefaultSmoothing, o.Smoothing);
        Assert.AreEqual(GradientActivityOptions.DefaultWarmupSteps, o.WarmupSteps);
        Assert.AreEqual(GradientActivityOptions.DefaultRelativeThreshold, o.RelativeThreshold);
        Assert.AreEqual(GradientActivityOptions.DefaultAbsoluteThreshold, o.AbsoluteThreshold);
        Assert.AreEqual(GradientActivityOptions.DefaultRootExponent, o.RootExponent);
        Assert.AreEqual(ActivityGrouping.Element, o.Grouping);
        Assert.AreEqual(ActivityDetail.Layer, o.Detail);
    }

    [TestMethod]
    [DataRow("Smoothing", -0.1f)]
    [DataRow("Smoothing", 1.5f)]
    [DataRow("Smoothing", float.NaN)]
    [DataRow("WarmupSteps", 0f)]
    [DataRow("AbsoluteThreshold", -1f)]
    [DataRow("AbsoluteThreshold", float.NaN)]
    [DataRow("RelativeThreshold", -0.5f)]
    [DataRow("RelativeThreshold", float.PositiveInfinity)]
    [DataRow("RootExponent", 0.5f)]
    [DataRow("RootExponent", float.NaN)]
    [DataRow("MaxDegreeOfParallelism", 0f)]
    public void Validate_RejectsBadValue_NamingTheOption(string option, float value)
    {
        GradientActivityOptions o = option switch
        {
            "Smoothing" => new() { Smoothing = value },
            "WarmupSteps" => new() { WarmupSteps = (int)value },
            "AbsoluteThreshold" => new() { AbsoluteThreshold = value },
            "RelativeThreshold" => new() { RelativeThreshold = value },
            "RootExponent" => new() { RootExponent = value },
            _ => new() { MaxDegreeOfParallelism = (int)value },
        };
        ArgumentOutOfRangeException e = Assert.ThrowsExactly<ArgumentOutOfRangeException>(o.Validate);
        Assert.AreEqual(option, e.ParamName);
    }

    [TestMethod]
    public void Validate_RejectsUnitDetailWithTensorGrouping_AndUnknownEnums()
    {
        Assert.AreEqual("Detail", Assert.ThrowsExactly<ArgumentOutOfRangeException>(new GradientActivityOptions { Grouping = ActivityGrouping.Tensor, Detail = ActivityDetail.Unit }.Validate).ParamName);
        Assert.AreEqual("Grouping", Assert.ThrowsExactly<ArgumentOutOfRangeException>(new GradientActivityOptions { Grouping = (ActivityGrouping)7 }.Validate).ParamName);
        Assert.AreEqual("Layers", Assert.ThrowsExactly<ArgumentException>(new GradientActivityOptions { Layers = [" "] }.Validate).ParamName);
    }

    [TestMethod]
    public void Tracker_ValidatesItsOptions()
    {
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => new GradientActivityTracker([new TrackedTensor("a", "a.w", [2])], new GradientActivityOptions { WarmupSteps = -1 }));
    }
}
