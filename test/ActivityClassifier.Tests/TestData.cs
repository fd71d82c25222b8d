using MLGradientInsight.ActivityClassifier.Traces;
using MLGradientInsight.ActivityClassifier.Training;
using MLGradientInsight.Transforms.Activity;

namespace MLGradientInsight.ActivityClassifier.Tests;

/// <summary>The committed corpus (loaded once) and small synthetic traces.</summary>
internal static class TestData
{
    private static readonly Lazy<Corpus> s_corpus = new(() => Corpus.Load(Path.Combine(RepositoryRoot(), "data", "classifier-corpus")));

    public static Corpus Corpus => s_corpus.Value;

    public static string RepositoryRoot()
    {
        string? dir = AppContext.BaseDirectory;
        while (dir is not null && !File.Exists(Path.Combine(dir, "MLGradientInsight.sln")))
        {
            dir = Path.GetDirectoryName(dir);
        }

        return dir ?? throw new InvalidOperationException("MLGradientInsight.sln not found above " + AppContext.BaseDirectory);
    }

    /// <summary>A trace: network + <paramref name="layers"/> layers, activity = level·exp(trend·t/n + noise), loss = exp(lossTrend·t/n).</summary>
    public static List<ActivityRecord> Trace(string run, int steps, int layers, double trend, double noise, double lossTrend, int seed, int firstStep = 12)
    {
        var random = new Random(seed);
        var records = new List<ActivityRecord>();
        for (int t = 0; t < steps; t++)
        {
            long step = firstStep + t;
            double loss = 2.3 * Math.Exp(lossTrend * t / steps);
            records.Add(new ActivityRecord { Run = run, Step = step, Layer = ActivityRecord.NetworkLayer, Activity = Value(t), Loss = loss });
            for (int l = 0; l < layers; l++)
            {
                records.Add(new ActivityRecord { Run = run, Step = step, Layer = $"fc{l + 1}", Activity = Value(t), Loss = loss });
            }
        }

        return records;

        double Value(int t) => 0.7 * Math.Exp((trend * t / steps) + (noise * ((2 * random.NextDouble()) - 1)));
    }

    /// <summary>The rows of a trace: a network row (with loss, learning rate, excluded fraction) and one row per layer (with its norms) for every step.</summary>
    public static List<ActivityRecord> Records(RunTrace trace)
    {
        var records = new List<ActivityRecord>();
        for (int i = 0; i < trace.Count; i++)
        {
            records.Add(new ActivityRecord { Run = trace.Run, Step = trace.Steps[i], Layer = ActivityRecord.NetworkLayer, Activity = trace.Activity[i], Loss = trace.Loss[i], LearningRate = trace.LearningRate[i], ExcludedFraction = trace.ExcludedFraction[i] });
            foreach (LayerTrace l in trace.Layers)
            {
                records.Add(new ActivityRecord { Run = trace.Run, Step = trace.Steps[i], Layer = l.Name, Activity = l.Activity[i], ExcludedFraction = l.ExcludedFraction[i], GradientNorm = l.GradientNorm[i], WeightNorm = l.WeightNorm[i], UpdateNorm = l.UpdateNorm[i] });
            }
        }

        return records;
    }
}
