using MLGradientInsight.Analyses.Evaluation;
using MLGradientInsight.Analyses.LinearPath;
using MLGradientInsight.Analyses.Robustness;
using MLGradientInsight.Analyses.Storage;
using MLGradientInsight.Analyses.Tests.Evaluation;
using MLGradientInsight.Analyses.Trajectory;
using MLGradientInsight.Trainers.Losses;

namespace MLGradientInsight.Analyses.Tests;

[TestClass]
public sealed class ReadmeExampleTests
{
    [TestMethod]
    public void The_readme_example_runs_and_gives_what_it_says()
    {
        var (model, trainer, train, test) = SmallModels.BlobMlp();
        string csv = Path.Combine(Path.GetTempPath(), "mlgi-readme-" + Guid.NewGuid().ToString("N") + ".csv");
        try
        {
            ModelState theta0 = ModelState.FromModel(model);                    // or ModelState.Load("step-00000000.safetensors")
            var recorder = new TrajectoryRecorder(model.Parameters, new TrajectoryRecorderOptions { Every = 5, Seed = 9 });
            using (recorder.Attach(trainer))
            {
                trainer.Fit(train);
            }

            ModelState theta1 = ModelState.FromModel(model);
            var evaluator = new SequentialModelEvaluator(model, new SoftmaxCrossEntropyLoss(), EvaluationSet.Sample(test, 200, 1));
            LinearPathResult path = LinearPathAnalyzer.Run(evaluator, theta0, theta1, new LinearPathOptions { Alphas = AlphaGrid.Parse("0:1:11") });
            RobustnessResult layers = LayerRobustnessAnalyzer.Run(evaluator, theta0, theta1);
            IReadOnlyList<TrajectoryWindow> regimes = TrajectoryAnalyzer.LabelRegimes(recorder.Points);
            AnalysisCsv.Write(csv, path.Points);

            Assert.AreEqual(11, path.Points.Count);
            Assert.AreEqual(3 * 2, layers.Layers.Count, "3 layers × 2 reset modes");
            Assert.IsGreaterThan(0, regimes.Count);
            Assert.AreEqual(12, File.ReadAllLines(csv).Length);
        }
        finally
        {
            File.Delete(csv);
        }
    }
}
