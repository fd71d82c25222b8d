using MLGradientInsight.Transforms.Activity;

namespace MLGradientInsight.Transforms.Tests.Activity;

[TestClass]
public sealed class TrackedTensorTest
{
    [TestMethod]
    [DataRow(ActivityGrouping.Unit, ActivityDetail.Unit)]
    [DataRow(ActivityGrouping.Element, ActivityDetail.Unit)]
    [DataRow(ActivityGrouping.Unit, ActivityDetail.Layer)]
    public void A_unit_axis_of_1_gives_the_results_of_the_same_tensor_stored_unit_major(ActivityGrouping grouping, ActivityDetail detail)
    {
        // (in 3, out 4, k 2), units on axis 1 — like a transposed convolution — against the same values as (out 4, in 3, k 2).
        int[] inOutK = [3, 4, 2];
        var options = new GradientActivityOptions { Grouping = grouping, Detail = detail, WarmupSteps = 2, RelativeThreshold = 0, MaxDegreeOfParallelism = 1 };
        var axis1 = new GradientActivityTracker([new TrackedTensor("up", "up.weight", inOutK) { UnitAxis = 1 }, new TrackedTensor("up", "up.bias", [4])], options);
        var axis0 = new GradientActivityTracker([new TrackedTensor("up", "up.weight", [4, 3, 2]), new TrackedTensor("up", "up.bias", [4])], options);
        Assert.AreEqual(4, axis1.Tensors[0].Units);
        Assert.AreEqual(axis0.UnitCount(0), axis1.UnitCount(0));

        var rng = new Random(5);
        float[] weight = new float[24], transposed = new float[24], bias = new float[4];
        for (int step = 1; step <= 8; step++)
        {
            for (int i = 0; i < weight.Length; i++)
            {
                weight[i] = (float)(rng.NextDouble() - 0.5) * (i + 1);
            }

            for (int i = 0; i < 3; i++)
            {
                for (int o = 0; o < 4; o++)
                {
                    for (int k = 0; k < 2; k++)
                    {
                        transposed[(((o * 3) + i) * 2) + k] = weight[(((i * 4) + o) * 2) + k];
                    }
                }
            }

            bias[step % 4] += 0.5f;
            GradientActivityTrackerTest.Feed(axis1, step, weight, bias);
            GradientActivityTrackerTest.Feed(axis0, step, transposed, bias);
        }

        Assert.IsTrue(axis1.LastStep.HasActivity);
        if (grouping == ActivityGrouping.Unit || detail == ActivityDetail.Unit)
        {
            Assert.AreEqual(axis0.LastStep.Network.Activity, axis1.LastStep.Network.Activity, 1e-12);
        }

        CollectionAssert.AreEqual(axis0.LastStep.UnitActivities(0).ToArray(), axis1.LastStep.UnitActivities(0).ToArray());
    }

    [TestMethod]
    [DataRow(-1)]
    [DataRow(3)]
    public void A_unit_axis_outside_the_shape_is_rejected_naming_the_tensor(int axis)
    {
        ArgumentException e = Assert.ThrowsExactly<ArgumentException>(() =>
            new GradientActivityTracker([new TrackedTensor("up", "up.weight", [3, 4, 2]) { UnitAxis = axis }]));
        Assert.AreEqual("tensors", e.ParamName);
        StringAssert.Contains(e.Message, "up.weight");
        StringAssert.Contains(e.Message, $"unit axis {axis}");
    }

    [TestMethod]
    public void A_tensor_with_a_zero_dimension_is_rejected_naming_it_and_its_shape()
    {
        ArgumentException e = Assert.ThrowsExactly<ArgumentException>(() => new GradientActivityTracker([new TrackedTensor("fc", "fc.weight", [3, 0])]));
        StringAssert.Contains(e.Message, "fc.weight");
        StringAssert.Contains(e.Message, "[3, 0]");
    }
}
