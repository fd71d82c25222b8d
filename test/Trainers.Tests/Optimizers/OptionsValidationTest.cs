using System.Reflection;
using System.Runtime.ExceptionServices;
using MLGradientInsight.Trainers.Optimizers;

namespace MLGradientInsight.Trainers.Tests.Optimizers;

[TestClass]
public sealed class OptionsValidationTest
{
    private static readonly Dictionary<string, Type> s_types = new()
    {
        ["Sgd"] = typeof(SgdOptions),
        ["Adagrad"] = typeof(AdagradOptions),
        ["Adadelta"] = typeof(AdadeltaOptions),
        ["RmsProp"] = typeof(RmsPropOptions),
        ["Adam"] = typeof(AdamOptions),
        ["AdamW"] = typeof(AdamWOptions),
        ["Lars"] = typeof(LarsOptions),
        ["Plateau"] = typeof(ReduceLrOnPlateauOptions),
    };

    [TestMethod]
    [DataRow("Sgd", "LearningRate", -0.1f)]
    [DataRow("Sgd", "LearningRate", float.NaN)]
    [DataRow("Sgd", "LearningRate", float.PositiveInfinity)]
    [DataRow("Sgd", "Momentum", -0.5f)]
    [DataRow("Sgd", "Dampening", -0.1f)]
    [DataRow("Sgd", "Dampening", 1.5f)]
    [DataRow("Sgd", "WeightDecay", -1e-4f)]
    [DataRow("Adagrad", "LearningRate", -1f)]
    [DataRow("Adagrad", "LearningRateDecay", -0.1f)]
    [DataRow("Adagrad", "WeightDecay", float.NaN)]
    [DataRow("Adagrad", "InitialAccumulatorValue", -1f)]
    [DataRow("Adagrad", "Epsilon", 0f)]
    [DataRow("Adadelta", "LearningRate", -1f)]
    [DataRow("Adadelta", "Rho", -0.1f)]
    [DataRow("Adadelta", "Rho", 1.1f)]
    [DataRow("Adadelta", "Epsilon", 0f)]
    [DataRow("Adadelta", "WeightDecay", -1f)]
    [DataRow("RmsProp", "LearningRate", float.NegativeInfinity)]
    [DataRow("RmsProp", "Alpha", 1.01f)]
    [DataRow("RmsProp", "Alpha", -0.01f)]
    [DataRow("RmsProp", "Epsilon", -1e-8f)]
    [DataRow("RmsProp", "WeightDecay", -1f)]
    [DataRow("RmsProp", "Momentum", -0.9f)]
    [DataRow("Adam", "LearningRate", -1e-3f)]
    [DataRow("Adam", "Beta1", 1f)]
    [DataRow("Adam", "Beta1", -0.1f)]
    [DataRow("Adam", "Beta2", 1f)]
    [DataRow("Adam", "Beta2", float.NaN)]
    [DataRow("Adam", "Epsilon", 0f)]
    [DataRow("Adam", "WeightDecay", -0.01f)]
    [DataRow("AdamW", "LearningRate", float.NaN)]
    [DataRow("AdamW", "Beta1", 1.5f)]
    [DataRow("AdamW", "Beta2", -1f)]
    [DataRow("AdamW", "Epsilon", -1f)]
    [DataRow("AdamW", "WeightDecay", -0.01f)]
    [DataRow("Lars", "LearningRate", -1f)]
    [DataRow("Lars", "Momentum", -0.1f)]
    [DataRow("Lars", "WeightDecay", -1f)]
    [DataRow("Lars", "TrustCoefficient", 0f)]
    [DataRow("Lars", "Epsilon", -1f)]
    [DataRow("Plateau", "Factor", 0f)]
    [DataRow("Plateau", "Factor", 1f)]
    [DataRow("Plateau", "Threshold", -1f)]
    [DataRow("Plateau", "MinLearningRate", -1f)]
    [DataRow("Plateau", "Epsilon", float.NaN)]
    public void Validate_BadValue_ThrowsNamingTheSetting(string optimizer, string property, float value)
    {
        object options = Activator.CreateInstance(s_types[optimizer])!;
        Validate(options); // the defaults are valid
        PropertyInfo info = options.GetType().GetProperty(property)!;
        info.SetValue(options, value);
        var e = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => Validate(options));
        Assert.AreEqual(property, e.ParamName);
        Assert.Contains(property, e.Message);
    }

    [TestMethod]
    [DataRow("Patience", -1)]
    [DataRow("Cooldown", -1)]
    public void PlateauOptions_NegativeCount_Throws(string property, int value)
    {
        var options = new ReduceLrOnPlateauOptions();
        typeof(ReduceLrOnPlateauOptions).GetProperty(property)!.SetValue(options, value);
        var e = Assert.ThrowsExactly<ArgumentOutOfRangeException>(options.Validate);
        Assert.AreEqual(property, e.ParamName);
    }

    [TestMethod]
    public void PlateauOptions_UndefinedEnum_Throws()
    {
        Assert.AreEqual("Mode", Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => new ReduceLrOnPlateauOptions { Mode = (PlateauMode)7 }.Validate()).ParamName);
        Assert.AreEqual("ThresholdMode", Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => new ReduceLrOnPlateauOptions { ThresholdMode = (ThresholdMode)7 }.Validate()).ParamName);
    }

    [TestMethod]
    [DataRow(0f, 0f)]
    [DataRow(0.9f, 0.1f)]
    public void Sgd_NesterovWithoutMomentumOrWithDampening_Throws(float momentum, float dampening)
    {
        var options = new SgdOptions { Momentum = momentum, Dampening = dampening, Nesterov = true };
        Assert.AreEqual("Nesterov", Assert.ThrowsExactly<ArgumentOutOfRangeException>(options.Validate).ParamName);
    }

    [TestMethod]
    public void ShortConstructors_ValidateToo()
    {
        Parameter[] p = [new Parameter("fc", "weight", 2, 2)];
        Assert.AreEqual("LearningRate", Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => new Sgd(p, -1f)).ParamName);
        Assert.AreEqual("Momentum", Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => new Sgd(p, 0.1f, momentum: -1f)).ParamName);
        Assert.AreEqual("WeightDecay", Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => new Adam(p, weightDecay: -1f)).ParamName);
        Assert.AreEqual("WeightDecay", Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => new AdamW(p, weightDecay: float.NaN)).ParamName);
        Assert.AreEqual("Rho", Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => new Adadelta(p, rho: 2f)).ParamName);
        Assert.AreEqual("Alpha", Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => new RmsProp(p, alpha: 2f)).ParamName);
        Assert.AreEqual("LearningRate", Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => new Adagrad(p, -1f)).ParamName);
        Assert.AreEqual("TrustCoefficient", Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => new Lars(p, 0.1f, trustCoefficient: 0f)).ParamName);
        Assert.AreEqual("Beta2", Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => new Adam([new ParameterGroup("g", p, 0.1f)], new AdamOptions { Beta2 = 1f })).ParamName);
        Assert.ThrowsExactly<ArgumentNullException>(() => new Adam(p, (AdamOptions)null!));
        Assert.ThrowsExactly<ArgumentNullException>(() => new Adam((IEnumerable<Parameter>)null!));
    }

    [TestMethod]
    public void Schedules_BadArguments_Throw()
    {
        Assert.AreEqual("stepSize", Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => new StepLr(0)).ParamName);
        Assert.AreEqual("gamma", Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => new StepLr(3, 0f)).ParamName);
        Assert.AreEqual("gamma", Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => new ExponentialLr(1.5f)).ParamName);
        Assert.AreEqual("gamma", Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => new ExponentialLr(float.NaN)).ParamName);
        Assert.AreEqual("maxEpochs", Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => new CosineAnnealingLr(0)).ParamName);
        Assert.AreEqual("minLearningRate", Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => new CosineAnnealingLr(5, -1f)).ParamName);
        Assert.AreEqual("Factor", Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => new ReduceLrOnPlateau(factor: 2f)).ParamName);
        Assert.AreEqual("steps", Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => new SlowLearning(new Sgd([new Parameter("a", "b", 1)], 0.1f), 0)).ParamName);
    }

    [TestMethod]
    public void Defaults_AreTorchDefaults()
    {
        var adam = new AdamOptions();
        Assert.AreEqual((1e-3f, 0.9f, 0.999f, 1e-8f, 0f, false), (adam.LearningRate, adam.Beta1, adam.Beta2, adam.Epsilon, adam.WeightDecay, adam.Amsgrad));
        Assert.AreEqual(0.01f, new AdamWOptions().WeightDecay);
        Assert.AreEqual((0.01f, 1e-10f), (new AdagradOptions().LearningRate, new AdagradOptions().Epsilon));
        Assert.AreEqual((1f, 0.9f, 1e-6f), (new AdadeltaOptions().LearningRate, new AdadeltaOptions().Rho, new AdadeltaOptions().Epsilon));
        Assert.AreEqual((0.01f, 0.99f, 1e-8f), (new RmsPropOptions().LearningRate, new RmsPropOptions().Alpha, new RmsPropOptions().Epsilon));
        var plateau = new ReduceLrOnPlateauOptions();
        Assert.AreEqual((0.1f, 10, 1e-4f, 0), (plateau.Factor, plateau.Patience, plateau.Threshold, plateau.Cooldown));
    }

    private static void Validate(object options)
    {
        try
        {
            options.GetType().GetMethod("Validate")!.Invoke(options, null);
        }
        catch (TargetInvocationException e) when (e.InnerException is not null)
        {
            ExceptionDispatchInfo.Capture(e.InnerException).Throw();
        }
    }
}
