using MLGradientInsight.ActivityClassifier.Features;
using MLGradientInsight.ActivityClassifier.Shapes;

namespace MLGradientInsight.ActivityClassifier.Tests.Shapes;

[TestClass]
public sealed class ShapeLabelerTest
{
    [TestMethod]
    public void Procedure_AgreesWithTheGeneratorOnMostSyntheticWindows()
    {
        TraceWindow[] windows = [.. SyntheticWindows.Generate(400, seed: 11)];
        int[] agree = new int[4], total = new int[4];
        foreach (TraceWindow w in windows)
        {
            ActivityShape truth = ShapeNames.Parse(w.Label);
            total[(int)truth]++;
            agree[(int)truth] += ShapeLabeler.Label(w) == truth ? 1 : 0;
        }

        for (int s = 0; s < 4; s++)
        {
            Assert.IsGreaterThan(0.8, (double)agree[s] / total[s], $"{(ActivityShape)s}: {agree[s]}/{total[s]}");
        }
    }

    [TestMethod]
    public void ShortWindow_IsNotLabelled() =>
        Assert.IsNull(ShapeLabeler.Label(new TraceWindow { Layer = "network", StartStep = 1, EndStep = 10, Activity = [.. Enumerable.Repeat(1f, 10)] }));

    [TestMethod]
    public void ShippedModel_GivesProbabilitiesThatSumToOne()
    {
        ShapeModel model = ShapeModel.LoadDefault();
        foreach (TraceWindow w in SyntheticWindows.Generate(8, seed: 5))
        {
            float[] p = model.Predict(w);
            Assert.HasCount(4, p);
            Assert.AreEqual(1, p.Sum(), 1e-4);
        }
    }
}
