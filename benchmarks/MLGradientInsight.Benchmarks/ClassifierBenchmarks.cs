using BenchmarkDotNet.Attributes;
using MLGradientInsight.ActivityClassifier.Diagnosis;
using MLGradientInsight.ActivityClassifier.Traces;
using MLGradientInsight.Transforms.Activity;

namespace MLGradientInsight.Benchmarks;

/// <summary>
/// Classifying a 10,000-step, 10-layer trace (110,000 rows) with the shipped models: building the trace, the
/// end-of-run advice alone (<see cref="AdviceOnly"/>), and the full diagnosis (every window of 11 series, advice,
/// layer findings and the online replay that finds the first alarm).
/// </summary>
[MemoryDiagnoser]
public class ClassifierBenchmarks
{
    private List<ActivityRecord> _records = [];
    private RunTrace _trace = null!;
    private TraceDiagnoser _diagnoser = null!;

    /// <summary>Gets or sets the number of steps.</summary>
    [Params(10_000)]
    public int Steps { get; set; } = 10_000;

    /// <summary>Builds a seeded trace (network + 10 layers, activity with noise and a slow trend, falling loss) and loads the models.</summary>
    [GlobalSetup]
    public void Setup()
    {
        var random = new Random(1);
        _records = new List<ActivityRecord>(Steps * 11);
        for (int t = 0; t < Steps; t++)
        {
            double loss = 2.3 * Math.Exp(-3.0 * t / Steps) * (1 + (0.1 * random.NextDouble()));
            _records.Add(new ActivityRecord { Step = t + 12, Layer = ActivityRecord.NetworkLayer, Activity = 0.7 + (0.2 * random.NextDouble()), Loss = loss });
            for (int l = 0; l < 10; l++)
            {
                _records.Add(new ActivityRecord { Step = t + 12, Layer = $"fc{l + 1}", Activity = (0.5 + (0.1 * l)) * (0.8 + (0.4 * random.NextDouble())) });
            }
        }

        _trace = RunTrace.FromRecords(_records)[0];
        _diagnoser = new TraceDiagnoser();
        _diagnoser.Diagnose(_trace);
    }

    /// <summary>Rows → aligned trace.</summary>
    /// <returns>The trace.</returns>
    [Benchmark]
    public RunTrace BuildTrace() => RunTrace.FromRecords(_records)[0];

    /// <summary>The full diagnosis of the trace (what <c>mlgi diagnose</c> computes per run).</summary>
    /// <returns>The diagnosis.</returns>
    [Benchmark]
    public RunDiagnosis Diagnose() => _diagnoser.Diagnose(_trace);

    /// <summary>The live advisor fed every row (it evaluates every max(10, step/100) steps, about 330 times), then asked for advice.</summary>
    /// <returns>The top action.</returns>
    [Benchmark]
    public string LiveAdvisorFedStepByStep()
    {
        var advisor = new TrainingAdvisor();
        foreach (ActivityRecord r in _records)
        {
            advisor.Add(r);
        }

        return advisor.EvaluateNow()[0].Action;
    }

    /// <summary>
    /// The previous live advisor, for comparison in the same run: the whole trace rebuilt and windowed at each of the
    /// same evaluations (what <see cref="TrainingAdvisor"/> did before its bounded history).
    /// </summary>
    /// <returns>The top action.</returns>
    [Benchmark]
    public string WholeTraceRebuiltPerEvaluation()
    {
        var options = new AdvisorOptions();
        var core = new AdvisorCore(options);
        var builder = new RunTraceBuilder("");
        long next = long.MinValue, last = long.MinValue;
        string top = "";
        foreach (ActivityRecord r in _records)
        {
            if (r.Step > last && last >= next && last != long.MinValue)
            {
                next = last + options.IntervalAt(last);
                top = core.Evaluate(builder.Build()).Actions[0].Action;
            }

            builder.Add(r);
            next = next == long.MinValue ? r.Step : next;
            last = Math.Max(last, r.Step);
        }

        return core.Evaluate(builder.Build()).Actions[0].Action + top;
    }
}
