using MLGradientInsight.ActivityClassifier.Actions;
using MLGradientInsight.ActivityClassifier.Diagnosis;
using MLGradientInsight.ActivityClassifier.Traces;
using MLGradientInsight.ActivityClassifier.Training;
using MLGradientInsight.Transforms.Activity;

namespace MLGradientInsight.ActivityClassifier.Tests.Diagnosis;

/// <summary>
/// The first-alarm replay decides an evaluation from the gates alone where they decide it (too few steps; the loss
/// falling, for the model advisor): at every evaluation its top action must be the full evaluation's.
/// </summary>
[TestClass]
public sealed class AdvisorCoreTest
{
    [TestMethod]
    [DataRow(AdvisorKind.Model)]
    [DataRow(AdvisorKind.Rules)]
    public void TopAction_IsTheFullEvaluationsTopAction_AtEveryReplayedEvaluation(AdvisorKind kind)
    {
        var options = new AdvisorOptions { Kind = kind };
        var core = new AdvisorCore(options);
        int gated = 0, alarmed = 0;
        foreach ((string name, RunTrace trace) in Traces())
        {
            var live = new LiveTrace(trace.Run);
            long? next = null;
            for (int count = 1; count <= trace.Count; count++)
            {
                long step = trace.Steps[count - 1];
                live.Append(trace, count - 1);
                next ??= step;
                if (step < next && count < trace.Count)
                {
                    continue;
                }

                next = step + options.IntervalAt(step);
                (RunSnapshot? snapshot, IReadOnlyList<RankedAction> actions) = core.Evaluate(live);
                Assert.AreEqual(actions[0].Action, core.TopAction(live), $"{name}, step {step}");
                gated += snapshot is not null && snapshot.Whole.FiniteCount >= options.MinimumSteps && AdvisorCore.LossIsFalling(snapshot) ? 1 : 0;
                alarmed += actions[0].Action == ActionNames.Of(TrainingAction.Continue) ? 0 : 1;
            }
        }

        // Both paths ran: evaluations the progress gate decides (model advisor) and evaluations that ranked an alarm first.
        Assert.IsGreaterThan(0, alarmed);
        if (kind == AdvisorKind.Model)
        {
            Assert.IsGreaterThan(0, gated);
        }
    }

    /// <summary>A corpus run of every condition, and alarming runs with their loss made to fall by 30 % and by 70 % (either side of the gate's half).</summary>
    private static IEnumerable<(string Name, RunTrace Trace)> Traces()
    {
        List<CorpusRunInfo> runs = [.. TestData.Corpus.Runs.Where(r => TestData.Corpus.Traces.ContainsKey(r.Run))];
        foreach (CorpusRunInfo info in runs.GroupBy(r => r.Condition).Select(g => g.First()))
        {
            yield return ($"{info.Run} ({info.Condition})", TestData.Corpus.Traces[info.Run]);
        }

        foreach (CorpusRunInfo info in runs.Where(r => r.Effective && r.Condition is "lr-growing" or "lr-too-high").Take(2))
        {
            foreach (double fall in new[] { 0.7, 0.3 })
            {
                List<ActivityRecord> records = TestData.Records(TestData.Corpus.Traces[info.Run]);
                int n = records.Count;
                records = [.. records.Select((r, i) => r.Layer == ActivityRecord.NetworkLayer ? r with { Loss = 2 * Math.Pow(fall, (double)i / n) } : r)];
                yield return ($"{info.Run} ({info.Condition}), loss × {fall}", RunTrace.FromRecords(records).Single());
            }
        }
    }
}
