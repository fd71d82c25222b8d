using MLGradientInsight.Analyses.Evaluation;
using MLGradientInsight.Analyses.GradientSpace;
using MLGradientInsight.Analyses.LinearPath;
using MLGradientInsight.Analyses.Robustness;
using MLGradientInsight.Analyses.Storage;
using MLGradientInsight.Analyses.Trajectory;
using MLGradientInsight.Reports.Contributors;
using MLGradientInsight.Reports.Model;
using MLGradientInsight.Transforms.Store;
using MLGradientInsight.Transforms.Tests.Store;
using Microsoft.Data.Sqlite;

namespace MLGradientInsight.Reports.Tests.Contributors;

/// <summary>The contributors that draw analyses saved in the store: the data they draw is the data saved, for the right run only.</summary>
[TestClass]
public sealed class StoredAnalysisContributorTest
{
    private static (RunStore Store, AnalysisStore Analyses, string Run, string Other) NewStore(TempFolder folder)
    {
        RunStore store = RunStore.Open(folder.File("runs.db"));
        string run = RunReportBuilderTest.WriteRun(store, 50);
        string other = RunReportBuilderTest.WriteRun(store, 20);
        return (store, AnalysisStore.Open(store.FilePath), run, other);
    }

    [TestMethod]
    public void The_trajectory_is_one_picture_per_variant_coloured_by_loss()
    {
        using var folder = new TempFolder();
        (RunStore store, AnalysisStore analyses, string run, string other) = NewStore(folder);
        TrajectoryPoint[] points =
        [
            new("random", 10, 1, 0.5, 0.25, 1.5), new("random", 0, 1, 0, 0, double.NaN), new("random", 20, 1, 1.0, -0.5, 0.9),
            new("pca", 0, 1, -1, 0, double.NaN), new("pca", 10, 1, 0, 0.1, 1.5), new("pca", 20, 1, 1, 0, 0.9),
        ];
        TrajectoryWindow[] windows = [new("random", 0, 10, 2, 1.0, 0.9, 0.9, 0.5, "canyon"), new("random", 10, 20, 2, 1.0, 0.2, 0.2, 0.5, "circling")];
        analyses.SaveTrajectory(run, "/tmp/checkpoints", "{}", points, windows, [new ExplainedVariance("pca", 1, 0.8), new ExplainedVariance("pca", 2, 0.15)]);

        List<ScatterPanel> panels = [.. new TrajectoryContributor().Contribute(store, store.GetRun(run)).Cast<ScatterPanel>()];

        Assert.HasCount(2, panels);
        ScatterPanel random = panels[0];
        CollectionAssert.AreEqual(new[] { 0, 0.5, 1.0 }, random.X, "ordered by step");
        CollectionAssert.AreEqual(new[] { 0, 0.25, -0.5 }, random.Y);
        Assert.IsTrue(double.IsNaN(random.Color[0]), "θ0 has no loss; it is kept as NaN, not made up");
        CollectionAssert.AreEqual(new[] { 1.5, 0.9 }, random.Color[1..]);
        StringAssert.Contains(random.Caption, "1 canyon and 1 circling windows");
        StringAssert.Contains(panels[1].Caption, "PC1 80 %, PC2 15 %");
        Assert.IsEmpty(new TrajectoryContributor().Contribute(store, store.GetRun(other)).ToList(), "another run's analysis is not drawn");
    }

    [TestMethod]
    public void The_linear_path_is_drawn_per_layer_with_accuracy_and_distances()
    {
        using var folder = new TempFolder();
        (RunStore store, AnalysisStore analyses, string run, _) = NewStore(folder);
        double[] alphas = [0, 0.5, 1];
        LinearPathPoint[] points = [.. new[] { "fc1", "fc2" }.SelectMany((layer, l) => alphas.Reverse().Select(a => new LinearPathPoint("layer", layer, layer, a, 2 - a - l, 0.5 + (a / 4))))];
        ParameterDistance[] distances =
        [
            new("model", "model", "model", 30, 5, 10, 0.5), new("layer", "fc1", "fc1", 20, 4, 8, 0.5), new("layer", "fc2", "fc2", 10, 3, 2, 1.5),
            new("tensor", "fc1.weight", "fc1", 16, 3.9, 7, 0.55),
        ];
        analyses.SaveLinearPath(run, "a -> b", "{}", new LinearPathResult(points, distances, new AnalysisCost(6, 10)));

        List<ReportPanel> panels = [.. new LinearPathContributor().Contribute(store, store.GetRun(run))];

        LinesPanel loss = (LinesPanel)panels[0];
        CollectionAssert.AreEqual(new[] { "fc1", "fc2" }, loss.Series.Select(s => s.Name).ToList());
        CollectionAssert.AreEqual(alphas, loss.Series[0].X, "sorted by α");
        CollectionAssert.AreEqual(new[] { 2.0, 1.5, 1.0 }, loss.Series[0].Values);
        CollectionAssert.AreEqual(new[] { 1.0, 0.5, 0.0 }, loss.Series[1].Values);
        LinesPanel accuracy = (LinesPanel)panels[1];
        CollectionAssert.AreEqual(new[] { 0.5, 0.625, 0.75 }, accuracy.Series[0].Values);
        BarsPanel distance = (BarsPanel)panels[2];
        CollectionAssert.AreEqual(new[] { "fc1", "fc2" }, distance.Categories.ToList(), "layers only, not the model or tensor rows");
        CollectionAssert.AreEqual(new[] { 4.0, 3.0 }, distance.Series.Single().Values);
        StringAssert.Contains(distance.Caption, "fc2 1.5");
    }

    [TestMethod]
    public void A_regression_linear_path_has_no_accuracy_panel()
    {
        IReadOnlyList<ReportPanel> panels = LinearPathContributor.Panels([new("model", "model", "model", 0, 1, double.NaN), new("model", "model", "model", 1, 0.5, double.NaN)], [], "test");

        Assert.AreEqual("loss", ((LinesPanel)panels.Single()).YLabel);
    }

    [TestMethod]
    public void Robustness_is_the_damage_per_layer_and_reset_with_the_critical_layers_named()
    {
        using var folder = new TempFolder();
        (RunStore store, AnalysisStore analyses, string run, _) = NewStore(folder);
        LayerRobustness[] layers =
        [
            new("fc1", "reinitialization", 2, 0.3, 0.5, 0.9, 0.6, 0.1, "critical"), new("fc1", "rerandomization", 2, 0.3, 0.5, 0.9, 0.6, 0.1, "critical"),
            new("fc2", "reinitialization", 0.6, 0.88, 0.5, 0.9, 0.02, 0.1, "robust"),
        ];
        analyses.SaveRobustness(run, "a -> b", "{}", new RobustnessResult(new ModelEvaluation(0.5, 0.9, 100), layers, new AnalysisCost(3, 100)));

        BarsPanel panel = (BarsPanel)new RobustnessContributor().Contribute(store, store.GetRun(run)).Single();

        CollectionAssert.AreEqual(new[] { "fc1", "fc2" }, panel.Categories.ToList());
        CollectionAssert.AreEqual(new[] { "reinitialization", "rerandomization" }, panel.Series.Select(s => s.Name).ToList());
        CollectionAssert.AreEqual(new[] { 0.6, 0.02 }, panel.Series[0].Values);
        Assert.IsTrue(double.IsNaN(panel.Series[1].Values[1]), "fc2 was not re-randomised: no bar, not a zero bar");
        StringAssert.Contains(panel.Caption, "fc1 (reinitialization), fc1 (rerandomization)");
    }

    [TestMethod]
    public void The_importance_map_is_the_saved_map_as_values_and_as_the_analysis_png()
    {
        using var folder = new TempFolder();
        (RunStore store, AnalysisStore analyses, string run, string other) = NewStore(folder);
        float[,] map = new float[3, 4];
        for (int r = 0; r < 3; r++)
        {
            for (int c = 0; c < 4; c++)
            {
                map[r, c] = (r * 4) + c;
            }
        }

        map[1, 2] = float.NaN;
        analyses.SaveImportanceMap(run, "/tmp/model.safetensors", "Fisher", 200, map);

        ImagePanel panel = (ImagePanel)new ImportanceContributor().Contribute(store, store.GetRun(run)).Single();

        Assert.AreEqual(4, panel.Width);
        Assert.AreEqual(3, panel.Height);
        Assert.AreEqual(7.0, panel.Values[7], "row-major: row 1, column 3");
        Assert.IsTrue(double.IsNaN(panel.Values[6]), "a NaN cell stays NaN");
        using var expected = new MemoryStream();
        HeatMapPng.Write(map, expected, ImportanceContributor.CellSize);
        CollectionAssert.AreEqual(expected.ToArray(), Convert.FromBase64String(panel.PngBase64!), "the same PNG as mlgi importance --image writes");
        Assert.IsEmpty(new ImportanceContributor().Contribute(store, store.GetRun(other)).ToList());
    }

    [TestMethod]
    public void A_store_without_analysis_tables_draws_nothing_and_is_not_written()
    {
        using var folder = new TempFolder();
        RunStore store = RunStore.Open(folder.File("runs.db"));
        string run = RunReportBuilderTest.WriteRun(store, 30);
        string[] before = Tables(store.FilePath);

        foreach (IReportContributor contributor in new IReportContributor[] { new TrajectoryContributor(), new LinearPathContributor(), new RobustnessContributor(), new ImportanceContributor() })
        {
            Assert.IsEmpty(contributor.Contribute(store, store.GetRun(run)).ToList(), contributor.GetType().Name);
        }

        CollectionAssert.AreEqual(before, Tables(store.FilePath), "reading created no table");
        Assert.DoesNotContain("analyses", before);
    }

    private static string[] Tables(string path)
    {
        using var c = new SqliteConnection($"Data Source={path};Mode=ReadOnly;Pooling=False");
        c.Open();
        using SqliteCommand command = c.CreateCommand();
        command.CommandText = "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name";
        using SqliteDataReader reader = command.ExecuteReader();
        var names = new List<string>();
        while (reader.Read())
        {
            names.Add(reader.GetString(0));
        }

        return [.. names];
    }
}
