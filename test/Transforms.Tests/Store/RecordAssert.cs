using MLGradientInsight.Transforms.Activity;

namespace MLGradientInsight.Transforms.Tests.Store;

/// <summary>Field-by-field comparisons that tell −0 from +0 (record equality does not).</summary>
internal static class RecordAssert
{
    public static void AreIdentical(double expected, double actual, string what)
    {
        if (double.IsNaN(expected))
        {
            Assert.IsTrue(double.IsNaN(actual), $"{what}: expected NaN, got {actual:R}.");
            return;
        }

        Assert.AreEqual(BitConverter.DoubleToInt64Bits(expected), BitConverter.DoubleToInt64Bits(actual), $"{what}: expected {expected:R}, got {actual:R}.");
    }

    public static void AreIdentical(ActivityRecord expected, ActivityRecord actual, bool compareRun = true)
    {
        string at = $"step {expected.Step}, layer '{expected.Layer}'";
        if (compareRun)
        {
            Assert.AreEqual(expected.Run, actual.Run, at);
        }

        Assert.AreEqual(expected.Step, actual.Step, at);
        Assert.AreEqual(expected.Epoch, actual.Epoch, at);
        Assert.AreEqual(expected.Layer, actual.Layer, at);
        Assert.AreEqual(expected.NonFiniteCount, actual.NonFiniteCount, at);
        AreIdentical(expected.Activity, actual.Activity, $"{at} activity");
        AreIdentical(expected.MeanChange, actual.MeanChange, $"{at} mean_change");
        AreIdentical(expected.ExcludedFraction, actual.ExcludedFraction, $"{at} excluded_fraction");
        AreIdentical(expected.GradientNorm, actual.GradientNorm, $"{at} grad_norm");
        AreIdentical(expected.WeightNorm, actual.WeightNorm, $"{at} weight_norm");
        AreIdentical(expected.UpdateNorm, actual.UpdateNorm, $"{at} update_norm");
        AreIdentical(expected.Loss, actual.Loss, $"{at} loss");
        AreIdentical(expected.LearningRate, actual.LearningRate, $"{at} learning_rate");
    }

    public static void AreIdentical(IReadOnlyList<ActivityRecord> expected, IReadOnlyList<ActivityRecord> actual, bool compareRun = true)
    {
        Assert.HasCount(expected.Count, actual);
        for (int i = 0; i < expected.Count; i++)
        {
            AreIdentical(expected[i], actual[i], compareRun);
        }
    }
}
