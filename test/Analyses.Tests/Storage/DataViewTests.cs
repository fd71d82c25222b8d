using MLGradientInsight.Analyses.LinearPath;
using MLGradientInsight.Analyses.Robustness;
using MLGradientInsight.Analyses.Trajectory;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace MLGradientInsight.Analyses.Tests.Storage;

[TestClass]
public sealed class DataViewTests
{
    [TestMethod]
    public void Result_records_load_as_an_ml_net_data_view()
    {
        var ml = new MLContext(seed: 1);
        IDataView path = ml.Data.LoadFromEnumerable(new[] { new LinearPathPoint("layer", "fc1", "fc1", 0.5, 1.25, 0.75) });
        IDataView trajectory = ml.Data.LoadFromEnumerable(new[] { new TrajectoryPoint("random", 10, 1, 2, 3, 0.5) });
        IDataView robustness = ml.Data.LoadFromEnumerable(new[] { new LayerRobustness("fc1", "reinitialization", 2, 0.5, 1, 0.9, 0.4, 0.1, "critical") });

        Assert.AreEqual(NumberDataViewType.Double, path.Schema["Loss"].Type);
        Assert.AreEqual(1.25, path.GetColumn<double>("Loss").Single());
        Assert.AreEqual(10L, trajectory.GetColumn<long>("Step").Single());
        Assert.AreEqual("critical", robustness.GetColumn<string>("Verdict").Single());
    }
}
