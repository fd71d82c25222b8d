using MLGradientInsight.Analyses.Checkpoints;
using MLGradientInsight.Analyses.Evaluation;
using MLGradientInsight.Analyses.Tests.Evaluation;
using MLGradientInsight.Analyses.Trajectory;
using MLGradientInsight.Trainers;

namespace MLGradientInsight.Analyses.Tests.Trajectory;

[TestClass]
public sealed class TrajectoryRecorderTests
{
    [TestMethod]
    public void Streaming_points_equal_the_projection_of_the_kept_checkpoints()
    {
        string directory = Path.Combine(Path.GetTempPath(), "mlgi-traj-" + Guid.NewGuid().ToString("N"));
        try
        {
            var (model, trainer, train, _) = SmallModels.BlobMlp(epochs: 1);
            var recorder = new TrajectoryRecorder(model.Parameters, new TrajectoryRecorderOptions { Every = 5, Seed = 9 });
            using (recorder.Attach(trainer))
            using (CheckpointRecorder checkpoints = CheckpointRecorder.Attach(trainer, directory, 5))
            {
                trainer.Fit(train);
                checkpoints.Complete();
            }

            IReadOnlyList<TrajectoryPoint> streamed = recorder.Points;
            CheckpointSeries series = CheckpointSeries.Read(directory);
            IReadOnlyList<TrajectoryPoint> fromFiles = TrajectoryAnalyzer.Project(series, seed: 9);

            long steps = trainer.Step;
            Assert.AreEqual(1 + (steps / 5), streamed.Count);
            Assert.AreEqual(0, streamed[0].Step);
            Assert.IsTrue(double.IsNaN(streamed[0].Loss));
            Assert.IsTrue(streamed.Skip(1).All(p => double.IsFinite(p.Loss) && p.Loss > 0));
            foreach (TrajectoryPoint s in streamed)
            {
                TrajectoryPoint f = fromFiles.Single(p => p.Step == s.Step);
                Assert.AreEqual(s.X, f.X, 1e-4 * (1 + Math.Abs(s.X)), $"step {s.Step}");
                Assert.AreEqual(s.Y, f.Y, 1e-4 * (1 + Math.Abs(s.Y)));
                Assert.AreEqual(s.Loss, f.Loss, 1e-9);
            }

            Assert.IsNotNull(series.GradientRmsPath);
            ModelState rms = ModelState.Load(series.GradientRmsPath);
            for (int i = 0; i < model.Parameters.Count; i++)
            {
                CollectionAssert.AreEqual(recorder.GradientRms()[i].Value, rms[model.Parameters[i].Name].ToArray());
            }
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [TestMethod]
    public void The_start_point_of_a_fresh_model_lies_near_the_origin()
    {
        // 001: "by the law of large numbers the sum will be close to 0". Each coordinate has standard deviation ‖w‖/√2
        // for independent directions; directions drawn from the initialiser's own stream would land hundreds of σ away.
        var (model, trainer, _, _) = SmallModels.BlobMlp(seed: 1);
        var recorder = new TrajectoryRecorder(model.Parameters, new TrajectoryRecorderOptions { Seed = 1 });
        using IDisposable hook = recorder.Attach(trainer);
        TrajectoryPoint start = recorder.Points.Single();
        double norm = Math.Sqrt(model.Parameters.Sum(p => p.Weights.ToArray().Sum(w => (double)w * w)));
        Assert.IsLessThan(5 * norm / Math.Sqrt(2), Math.Sqrt((start.X * start.X) + (start.Y * start.Y)));
    }

    [TestMethod]
    public void Weighted_projection_scales_each_weight_by_its_rms_gradient()
    {
        string directory = Path.Combine(Path.GetTempPath(), "mlgi-traj-" + Guid.NewGuid().ToString("N"));
        try
        {
            var (model, trainer, train, _) = SmallModels.BlobMlp(epochs: 1);
            using (CheckpointRecorder checkpoints = CheckpointRecorder.Attach(trainer, directory, 20))
            {
                trainer.Fit(train);
                checkpoints.Complete();
            }

            CheckpointSeries series = CheckpointSeries.Read(directory);
            ModelState rms = ModelState.Load(series.GradientRmsPath!);
            TrajectoryPoint last = TrajectoryAnalyzer.Project(series, 3, rms)[^1];
            var plain = new RandomPlaneProjection([.. model.Parameters.Select(p => p.Length)], 3);
            double x = 0;
            for (int t = 0; t < model.Parameters.Count; t++)
            {
                ReadOnlySpan<float> w = model.Parameters[t].Weights, s = rms[model.Parameters[t].Name];
                for (int i = 0; i < w.Length; i++)
                {
                    x += w[i] * s[i] * plain.Direction(t, i).X;
                }
            }

            Assert.AreEqual("weighted", last.Variant);
            Assert.AreEqual(x, last.X, 1e-4 * (1 + Math.Abs(x)));
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }
}
