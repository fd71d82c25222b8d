using MLGradientInsight.ActivityClassifier.Actions;
using MLGradientInsight.ActivityClassifier.AutoAdjust;
using MLGradientInsight.Transforms.Store;

namespace MLGradientInsight.ActivityClassifier.Tests.AutoAdjust;

[TestClass]
public sealed class LearningRateControllerTest
{
    private static readonly RankedAction s_lower = new("lower-learning-rate", 0.9, "loss rising");
    private static readonly RankedAction s_raise = new("raise-learning-rate", 0.9, "flat");
    private static readonly RankedAction s_continue = new("continue", 0.9, "fine");
    private static readonly RankedAction s_data = new("check-data", 0.9, "labels?");

    private double _lr = 0.1;

    private LearningRateController Create(AutoAdjustOptions? options = null) =>
        new(options ?? new AutoAdjustOptions { WarmupSteps = 100, CooldownSteps = 50, Factor = 2, MinimumRelative = 0.1, MaximumRelative = 4 }, () => _lr, lr => _lr = lr);

    [TestMethod]
    public void WarmUp_HoldsBack_ThenTheFirstActionApplies()
    {
        LearningRateController c = Create();

        Assert.AreEqual(LearningRateController.WarmUp, c.Consider(99, s_lower, true)!.Outcome);
        Assert.AreEqual(0.1, _lr);
        AdvisorActionRecord applied = c.Consider(100, s_lower, true)!;

        Assert.AreEqual(AdvisorActionRecord.Applied, applied.Outcome);
        Assert.AreEqual(0.1, applied.OldLearningRate);
        Assert.AreEqual(0.05, applied.NewLearningRate, 1e-12);
        Assert.AreEqual(0.05, _lr, 1e-12);
        Assert.AreEqual("loss rising", applied.Evidence);
    }

    [TestMethod]
    public void CoolDown_HoldsBackUntilEnoughStepsPassed()
    {
        LearningRateController c = Create();
        c.Consider(200, s_lower, true);

        Assert.AreEqual(LearningRateController.CoolDown, c.Consider(249, s_lower, true)!.Outcome);
        Assert.IsNull(c.Consider(249, s_lower, true), "a repeated hold-back of the same action is recorded once");
        Assert.AreEqual(AdvisorActionRecord.Applied, c.Consider(250, s_raise, true)!.Outcome);
        Assert.AreEqual(0.1, _lr, 1e-12);
        Assert.AreEqual(2, c.AppliedCount);
    }

    [TestMethod]
    public void NonFiniteStep_NeverApplies()
    {
        LearningRateController c = Create();

        Assert.AreEqual(LearningRateController.NonFiniteStep, c.Consider(500, s_lower, false)!.Outcome);
        Assert.AreEqual(0.1, _lr);
        Assert.AreEqual(0, c.AppliedCount);
    }

    [TestMethod]
    public void Bounds_ClampRelativeToTheInitialRate_ThenHoldBack()
    {
        LearningRateController c = Create(new AutoAdjustOptions { WarmupSteps = 0, CooldownSteps = 0, Factor = 3, MinimumRelative = 0.1, MaximumRelative = 4 });
        var outcomes = new List<string>();
        for (int step = 1; step <= 5; step++)
        {
            outcomes.Add(c.Consider(step, s_lower, true)?.Outcome ?? "-");
        }

        CollectionAssert.AreEqual(new[] { "applied", "applied", "applied", "at-bound", "-" }, outcomes);
        Assert.AreEqual(0.01, _lr, 1e-12, "0.1 / 3 / 3 = 0.011, then clamped to 0.1 × 0.1");
        for (int step = 10; step <= 20; step++)
        {
            c.Consider(step, s_raise, true);
        }

        Assert.AreEqual(0.4, _lr, 1e-12, "raised up to 4 × the initial rate and no further");
        Assert.IsTrue(c.Decisions.All(d => d.NewLearningRate <= 0.4 + 1e-12 && d.NewLearningRate >= 0.01 - 1e-12));
    }

    [TestMethod]
    public void OtherActions_AreReportedOncePerStretch_NeverApplied()
    {
        LearningRateController c = Create();
        var decided = new List<AdvisorActionRecord>();
        c.Decided += (_, d) => decided.Add(d);

        c.Consider(300, s_data, true);
        c.Consider(310, s_data, true);
        c.Consider(320, s_continue, true);
        c.Consider(330, s_data, true);

        CollectionAssert.AreEqual(new[] { "300 check-data reported", "330 check-data reported" }, decided.Select(d => $"{d.Step} {d.Action} {d.Outcome}").ToArray());
        Assert.AreEqual(0.1, _lr);
    }

    [TestMethod]
    public void RandomAdviceSequences_KeepEveryGuardRail()
    {
        var random = new Random(7);
        RankedAction[] choices = [s_lower, s_raise, s_continue, s_data];
        for (int trial = 0; trial < 50; trial++)
        {
            _lr = 0.1;
            var options = new AutoAdjustOptions { WarmupSteps = random.Next(0, 50), CooldownSteps = random.Next(0, 40), Factor = 1.5 + random.NextDouble() * 3, MinimumRelative = 0.05, MaximumRelative = 5 };
            LearningRateController c = Create(options);
            var finite = new Dictionary<long, bool>();
            for (long step = 1; step <= 300; step += random.Next(1, 8))
            {
                finite[step] = random.NextDouble() > 0.1;
                c.Consider(step, choices[random.Next(choices.Length)], finite[step]);
            }

            AdvisorActionRecord[] applied = [.. c.Decisions.Where(d => d.Outcome == AdvisorActionRecord.Applied)];
            Assert.AreEqual(c.AppliedCount, applied.Length);
            foreach (AdvisorActionRecord d in applied)
            {
                Assert.IsGreaterThanOrEqualTo(options.WarmupSteps, d.Step);
                Assert.IsTrue(finite[d.Step]);
                double ratio = d.NewLearningRate / d.OldLearningRate;
                Assert.IsTrue(ratio <= options.Factor + 1e-9 && ratio >= (1 / options.Factor) - 1e-9, $"ratio {ratio}");
                Assert.IsTrue(d.NewLearningRate >= (0.1 * 0.05) - 1e-12 && d.NewLearningRate <= (0.1 * 5) + 1e-12);
            }

            for (int i = 1; i < applied.Length; i++)
            {
                Assert.IsGreaterThanOrEqualTo(options.CooldownSteps, applied[i].Step - applied[i - 1].Step);
            }
        }
    }

    [TestMethod]
    [DataRow(1.0)]
    [DataRow(11.0)]
    [DataRow(double.NaN)]
    public void Factor_OutOfRange_IsRejected(double factor)
    {
        ArgumentOutOfRangeException e = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => Create(new AutoAdjustOptions { Factor = factor }));
        Assert.AreEqual(nameof(AutoAdjustOptions.Factor), e.ParamName);
    }
}
