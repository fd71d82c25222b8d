using MLGradientInsight.ActivityClassifier.Diagnosis;
using MLGradientInsight.ActivityClassifier.Training;

namespace MLGradientInsight.ActivityClassifier.Tests.Training;

[TestClass]
public sealed class ClassifierTrainingTest
{
    [TestMethod]
    public void SameSeed_GivesTheSameMetrics()
    {
        // Two training workloads, so the alarm threshold is cross-validated inside the fold (two inner groups).
        Corpus small = Subset(TestData.Corpus, "blobs-mlp", "spirals-mlp", "blobs-tanh-mlp");
        var options = new ClassifierTrainingOptions { Seed = 7, SyntheticWindows = 200, PrefixSpacing = 100, Folds = ["spirals-mlp"] };
        ClassifierReport first = ClassifierTraining.Evaluate(small, options);
        ClassifierReport second = ClassifierTraining.Evaluate(small, options);
        Assert.AreEqual(first.ToMarkdown(), second.ToMarkdown());
        Assert.IsTrue(first.Scores.Any(s => s.FaultyRuns > 0));
        Assert.IsGreaterThan(0, first.ShapeConfusion.Sum(r => r.Sum()));
        Assert.AreEqual("spirals-mlp", first.AlarmThresholds.Single().Fold);
        Assert.IsTrue(AlarmCalibration.Grid.Contains(first.AlarmThresholds.Single().Threshold));
        Assert.AreEqual(first.Scores.Single(s => s.Advisor == "model" && s.Group == "spirals-mlp").FaultyRuns
            + first.Scores.Single(s => s.Advisor == "model" && s.Group == "spirals-mlp").HealthyRuns,
            first.ActionConfusion.Single(c => c.Advisor == "model").Counts.Sum(r => r.Sum()));
    }

    [TestMethod]
    public void ShippedModels_RankTheRightActionFirstOnMostCorpusRuns()
    {
        // Training-set accuracy of the shipped models: a smoke test that the embedded models are the trained ones
        // (the honest held-out numbers are in the README and come from `mlgi classifier train --evaluate`).
        var diagnoser = new TraceDiagnoser();
        CorpusRunInfo[] runs = [.. TestData.Corpus.Runs.Where(r => r.Effective && r.Seed == 1 && TestData.Corpus.Traces.ContainsKey(r.Run) && r.Steps >= 100).Take(40)];
        int right = runs.Count(r => diagnoser.Diagnose(TestData.Corpus.Traces[r.Run]).Actions[0].Action == r.Action);
        Assert.IsGreaterThan(0.75, (double)right / runs.Length, $"{right}/{runs.Length}");
    }

    private static Corpus Subset(Corpus corpus, params string[] workloads)
    {
        CorpusRunInfo[] runs = [.. corpus.Runs.Where(r => workloads.Contains(r.Workload) && r.Seed <= 2)];
        return new Corpus(runs, runs.Where(r => corpus.Traces.ContainsKey(r.Run)).ToDictionary(r => r.Run, r => corpus.Traces[r.Run]));
    }
}
