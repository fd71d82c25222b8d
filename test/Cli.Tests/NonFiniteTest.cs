using MLGradientInsight.Trainers.Training;

namespace MLGradientInsight.Cli.Tests;

/// <summary>Class: a NaN/Inf stop names the quantity, the tensor and element, and the step (as the README says); exit code 3.</summary>
[TestClass]
public sealed class NonFiniteTest
{
    [TestMethod]
    public void GradientReport_NamesTensorElementAndStep_AndSaysTheLossWasFinite()
    {
        string message = TrainCommand.DescribeNonFinite(new NonFiniteReport(4, 1, 3, "gradient", "fc2.weight", 17, float.NaN, 5));
        StringAssert.Contains(message, "the gradient of tensor 'fc2.weight' is not finite at step 4 (epoch 1, batch 4) although the loss was finite");
        StringAssert.Contains(message, "5 of its elements are NaN/Inf, the first at element 17 (NaN)");
    }

    [TestMethod]
    public void LossReport_SaysTheForwardPassOverflowed()
    {
        string message = TrainCommand.DescribeNonFinite(new NonFiniteReport(4, 1, 3, "loss", null, -1, float.PositiveInfinity, 1));
        StringAssert.Contains(message, "the loss became Infinity at step 4 (epoch 1, batch 4)");
    }

    [TestMethod]
    public void HugeLearningRate_StopsWithExitCode3_AndMarksTheRunFailedWithTheMessage()
    {
        string store = CliRunner.TempPath(".db");
        try
        {
            CliResult r = CliRunner.Run("train", "--dataset", "blobs", "--limit", "500", "--lr", "1e30", "--epochs", "3", "--track", "--store", store);
            Assert.AreEqual(3, r.ExitCode, r.Output);
            StringAssert.Contains(r.Err, "error: training stopped: ");
            StringAssert.Contains(r.Err, " at step ");
            Transforms.Store.RunInfo run = Transforms.Store.RunStore.Open(store).ListRuns().Single();
            Assert.AreEqual(Transforms.Store.RunStatus.Failed, run.Status);
            StringAssert.StartsWith(run.Message, "training stopped: ");
        }
        finally
        {
            CliRunner.DeleteStore(store);
        }
    }
}
