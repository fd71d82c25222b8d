using MLGradientInsight.Analyses.Evaluation;
using MLGradientInsight.Analyses.LinearPath;
using MLGradientInsight.Analyses.Robustness;
using MLGradientInsight.Analyses.Storage;
using MLGradientInsight.Transforms.Store;

namespace MLGradientInsight.Analyses.Tests.Storage;

[TestClass]
public sealed class AnalysisStoreTests
{
    [TestMethod]
    public void Linear_path_rows_round_trip_with_nan_and_infinity_and_the_base_schema_still_opens()
    {
        string path = Path.Combine(Path.GetTempPath(), "mlgi-an-" + Guid.NewGuid().ToString("N") + ".db");
        try
        {
            var result = new LinearPathResult(
                [new LinearPathPoint("model", "model", "model", 0, 2.5, double.NaN), new LinearPathPoint("model", "model", "model", 1, 0.125, 0.75)],
                [new ParameterDistance("tensor", "fc1.bias", "fc1", 3, 0.5, 0, double.PositiveInfinity)],
                new AnalysisCost(2, 10));
            AnalysisStore store = AnalysisStore.Open(path);
            string id = store.SaveLinearPath(null, "a -> b", "{\"scope\":\"model\"}", result);
            string again = AnalysisStore.Open(path).SaveRobustness(null, "a -> b", "{}", new RobustnessResult(
                new ModelEvaluation(1, 0.9, 10), [new LayerRobustness("fc1", "reinitialization", 2, 0.5, 1, 0.9, 0.4, 0.1, "critical")], new AnalysisCost(2, 10)));

            StringAssert.StartsWith(id, "a");
            Assert.AreNotEqual(id, again);
            CollectionAssert.AreEqual(result.Points.ToArray(), store.ReadRows<LinearPathPoint>("linear_path", id).ToArray());
            CollectionAssert.AreEqual(result.Distances.ToArray(), store.ReadRows<ParameterDistance>("parameter_distance", id).ToArray());
            Assert.AreEqual("critical", store.ReadRows<LayerRobustness>("layer_robustness", again).Single().Verdict);
            Assert.AreEqual(0, RunStore.Open(path).ListRuns().Count, "the run store still opens (schema version unchanged)");
            Assert.ThrowsExactly<ArgumentException>(() => store.ReadRows<LinearPathPoint>("runs", id));
        }
        finally
        {
            foreach (string f in Directory.EnumerateFiles(Path.GetTempPath(), Path.GetFileName(path) + "*"))
            {
                File.Delete(f);
            }
        }
    }

    [TestMethod]
    public void Csv_header_is_the_snake_case_record_properties_and_numbers_round_trip()
    {
        var writer = new StringWriter();
        AnalysisCsv.Write(writer, [new ParameterDistance("layer", "fc,1", "fc1", 2, 0.1, double.NaN, double.PositiveInfinity)]);
        string[] lines = writer.ToString().Split('\n');
        Assert.AreEqual("scope,target,layer,count,distance,initial_norm,relative_distance", lines[0]);
        Assert.AreEqual("layer,\"fc,1\",fc1,2,0.1,NaN,Infinity", lines[1]);
    }
}
