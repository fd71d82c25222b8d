using Microsoft.ML;
using Microsoft.ML.Data;
using MLGradientInsight.Analyses.GradientSpace;
using MLGradientInsight.Trainers;
using MLGradientInsight.Trainers.Data;

namespace MLGradientInsight.Analyses.Tests.GradientSpace;

[TestClass]
public sealed class DataViewTests
{
    [TestMethod]
    public void Edge_importance_and_pruning_rows_load_as_ML_NET_data_views()
    {
        (Sequential model, Dataset data) = PerSampleGradientPassTests.Create("relu-mlp", 10);
        GradientImportanceResult result = GradientImportance.Compute(model, data);
        var mlContext = new MLContext(seed: 1);

        IDataView edges = mlContext.Data.LoadFromEnumerable(result.Edges());
        CollectionAssert.IsSubsetOf(
            new[] { "Parameter", "Index", "OutputUnit", "InputIndex", "Weight", "MeanAbsoluteGradient", "RmsGradient", "ConnectionSensitivity", "Fisher" },
            edges.Schema.Select(c => c.Name).ToArray());
        float[] fisher = [.. edges.GetColumn<float>("Fisher")];
        Assert.HasCount((int)model.ParameterCount, fisher);
        CollectionAssert.AreEqual(result.Edges().Select(e => e.Fisher).ToArray(), fisher);

        IDataView pruning = mlContext.Data.LoadFromEnumerable(PruningCheck.Run(model, result, data, [0.5]));
        Assert.AreEqual(5, pruning.GetColumn<string>("Criterion").Count());
    }
}
