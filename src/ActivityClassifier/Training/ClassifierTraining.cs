using MLGradientInsight.ActivityClassifier.Actions;
using MLGradientInsight.ActivityClassifier.Diagnosis;
using MLGradientInsight.ActivityClassifier.Features;
using MLGradientInsight.ActivityClassifier.Shapes;
using MLGradientInsight.ActivityClassifier.Traces;

namespace MLGradientInsight.ActivityClassifier.Training;

/// <summary>
/// Trains the shape and action models from a corpus and evaluates them honestly: leave-one-workload-out (the held-out
/// workload's runs, all seeds, never appear in training — not even as windows), against the rule baseline.
/// </summary>
public static class ClassifierTraining
{
    /// <summary>Trains both models on the whole corpus (the shipped models) and calibrates the alarm threshold.</summary>
    /// <param name="corpus">The corpus.</param>
    /// <param name="options">The options.</param>
    /// <returns>The models and the alarm threshold chosen by leave-one-workload-out cross-validation on the corpus
    /// (the value to ship as <see cref="AdvisorOptions.DefaultAlarmThreshold"/>).</returns>
    public static (ShapeModel Shapes, ActionModel Actions, double AlarmThreshold) TrainFinal(Corpus corpus, ClassifierTrainingOptions options)
    {
        ArgumentNullException.ThrowIfNull(corpus);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        List<(CorpusRunInfo Info, RunTrace Trace)> runs = UsableRuns(corpus, out _);
        return Train(runs, options);
    }

    /// <summary>Evaluates with one fold per workload and returns the report.</summary>
    /// <param name="corpus">The corpus.</param>
    /// <param name="options">The options.</param>
    /// <param name="external">Optional runs from another framework (e.g. PyTorch), evaluated with models trained on the whole corpus as the group <c>pytorch</c>.</param>
    /// <returns>The report.</returns>
    public static ClassifierReport Evaluate(Corpus corpus, ClassifierTrainingOptions options, Corpus? external = null)
    {
        ArgumentNullException.ThrowIfNull(corpus);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        List<(CorpusRunInfo Info, RunTrace Trace)> runs = UsableRuns(corpus, out int unused);
        int[][] confusion = [.. Enumerable.Range(0, 4).Select(_ => new int[4])];
        var outcomes = new List<(string Advisor, string Group, CorpusRunInfo Info, RunOutcome Outcome)>();
        var thresholds = new List<(string Fold, double Threshold)>();
        IEnumerable<string> folds = options.Folds ?? runs.Select(r => r.Info.Workload).Distinct();
        foreach (string workload in folds)
        {
            var train = runs.Where(r => r.Info.Workload != workload).ToList();
            var test = runs.Where(r => r.Info.Workload == workload).ToList();
            (ShapeModel shapes, ActionModel actions, double threshold) = Train(train, options);
            thresholds.Add((workload, threshold));
            foreach ((CorpusRunInfo info, RunTrace trace) in test)
            {
                foreach (TraceWindow w in TraceWindower.Windows(trace))
                {
                    if (ShapeLabeler.Label(w) is { } truth)
                    {
                        float[] p = shapes.Predict(w);
                        confusion[(int)truth][Array.IndexOf(p, p.Max())]++;
                    }
                }

                outcomes.AddRange(Outcomes(workload, info, trace, shapes, actions, threshold));
            }
        }

        if (external is not null)
        {
            (ShapeModel shapes, ActionModel actions, double threshold) = Train(runs, options);
            thresholds.Add(("pytorch (whole corpus)", threshold));
            foreach ((CorpusRunInfo info, RunTrace trace) in UsableRuns(external, out int unusedExternal))
            {
                outcomes.AddRange(Outcomes("pytorch", info, trace, shapes, actions, threshold));
            }
        }

        string[] advisors = [.. outcomes.Select(o => o.Advisor).Distinct()];
        var scores = new List<AdvisorScore>();
        foreach (string advisor in advisors)
        {
            var mine = outcomes.Where(o => o.Advisor == advisor).ToList();
            foreach (string group in mine.Select(o => o.Group).Distinct())
            {
                scores.Add(Score(advisor, group, [.. mine.Where(o => o.Group == group).Select(o => (o.Info, o.Outcome))]));
            }

            scores.Add(Score(advisor, "all (our engine)", [.. mine.Where(o => o.Group != "pytorch").Select(o => (o.Info, o.Outcome))]));
        }

        var byCondition = outcomes.Where(o => o.Group != "pytorch")
            .GroupBy(o => (o.Info.Condition, o.Advisor))
            .Select(g => (g.Key.Advisor, g.Key.Condition, g.Count(), g.Count(o => o.Outcome.Top == o.Info.Action)))
            .ToList();
        var actionConfusion = new List<(string, IReadOnlyList<IReadOnlyList<int>>)>();
        foreach (string advisor in advisors)
        {
            int[][] counts = [.. ActionNames.All.Select(_ => new int[ActionNames.All.Count])];
            foreach (var o in outcomes.Where(o => o.Advisor == advisor && o.Group != "pytorch"))
            {
                counts[IndexOf(o.Info.Action)][IndexOf(o.Outcome.Top)]++;
            }

            actionConfusion.Add((advisor, counts));
        }

        return new ClassifierReport([.. confusion], scores, unused, byCondition) { AlarmThresholds = thresholds, ActionConfusion = actionConfusion };

        static int IndexOf(string action) => ActionNames.All.ToList().IndexOf(action);
    }

    /// <summary>The advisor name of the action model scored on the held-out traces with their norm columns removed.</summary>
    public const string ModelWithoutNorms = "model, norms stripped";

    /// <summary>A held-out run scored by the model (as the trace is), by the model on the trace without its norm columns, and by the rules.</summary>
    private static IEnumerable<(string Advisor, string Group, CorpusRunInfo Info, RunOutcome Outcome)> Outcomes(
        string group, CorpusRunInfo info, RunTrace trace, ShapeModel shapes, ActionModel actions, double threshold)
    {
        var model = new AdvisorOptions { Kind = AdvisorKind.Model, ShapeModel = shapes, ActionModel = actions, AlarmThreshold = threshold };
        yield return ("model", group, info, Outcome(info, trace, model));
        yield return (ModelWithoutNorms, group, info, Outcome(info, trace.WithoutNorms(), model));
        yield return ("rules", group, info, Outcome(info, trace, new AdvisorOptions { Kind = AdvisorKind.Rules, ShapeModel = shapes }));
    }

    private static AdvisorScore Score(string advisor, string group, List<(CorpusRunInfo Info, RunOutcome Outcome)> results)
    {
        var faulty = results.Where(r => r.Info.Action != ActionNames.Of(TrainingAction.Continue)).ToList();
        var healthy = results.Where(r => r.Info.Action == ActionNames.Of(TrainingAction.Continue)).ToList();
        double[] delays = [.. faulty.Where(r => r.Outcome.FirstAlarm is not null).Select(r => (double)(r.Outcome.FirstAlarm!.Value - Math.Max(r.Info.OnsetStep, 1))).Order()];
        double median = delays.Length == 0 ? double.NaN : delays.Length % 2 == 1 ? delays[delays.Length / 2] : 0.5 * (delays[(delays.Length / 2) - 1] + delays[delays.Length / 2]);
        return new AdvisorScore(advisor, group,
            faulty.Count, faulty.Count(r => r.Outcome.Top == r.Info.Action),
            healthy.Count, healthy.Count(r => r.Outcome.Top != r.Info.Action), healthy.Count(r => r.Outcome.FirstAlarm is not null),
            median);
    }

    private static RunOutcome Outcome(CorpusRunInfo info, RunTrace trace, AdvisorOptions options)
    {
        var core = new AdvisorCore(options);
        (_, IReadOnlyList<RankedAction> actions) = core.Evaluate(trace);
        return new RunOutcome(actions[0].Action, core.FirstAlarm(trace));
    }

    private static (ShapeModel, ActionModel, double) Train(List<(CorpusRunInfo Info, RunTrace Trace)> runs, ClassifierTrainingOptions options)
    {
        var windows = SyntheticWindows.Generate(options.SyntheticWindows, options.Seed).ToList();
        foreach ((_, RunTrace trace) in runs)
        {
            foreach (TraceWindow w in TraceWindower.Windows(trace))
            {
                if (ShapeLabeler.Label(w) is { } shape)
                {
                    w.Label = ShapeNames.Of(shape);
                    windows.Add(w);
                }
            }
        }

        ShapeModel shapes = ShapeModel.Train(windows, options.Algorithm, options.Seed);
        var examples = new List<ActionExample>();
        foreach ((CorpusRunInfo info, RunTrace trace) in runs)
        {
            var mine = Examples(info, trace, shapes, options.PrefixSpacing)
                .Select(e => new ActionExample(info, e.Snapshot.ActionFeatures, e.Label, AdvisorCore.LossIsFalling(e.Snapshot)))
                .ToList();
            examples.AddRange(mine.Select((e, i) => e with { Last = i == mine.Count - 1 }));
            if (trace.HasNorms)
            {
                // The same run as a trace without norm columns (its norm block is 0, as NormFeatures gives then), so the
                // model learns both; a separate run for the alarm calibration.
                CorpusRunInfo without = info with { Run = info.Run + " (norms stripped)" };
                examples.AddRange(mine.Select((e, i) => e with { Info = without, Features = ActionFeatureVector.WithoutNorms(e.Features), Last = i == mine.Count - 1 }));
            }
        }

        ActionModel actions = ActionModel.Train(examples.Select(e => e.Row), options.Algorithm, options.Seed);
        return (shapes, actions, AlarmCalibration.Choose(examples, options));
    }

    /// <summary>Action examples of one run: snapshots of prefixes every <paramref name="spacing"/> steps (and the whole run), labelled continue before the fault's onset.</summary>
    private static IEnumerable<(RunSnapshot Snapshot, string Label)> Examples(CorpusRunInfo info, RunTrace trace, ShapeModel shapes, int spacing)
    {
        long nextStep = long.MinValue;
        for (int count = 1; count <= trace.Count; count++)
        {
            long step = trace.Steps[count - 1];
            if (count < trace.Count && step < nextStep)
            {
                continue;
            }

            RunSnapshot? snapshot = RunSnapshot.Create(trace.Prefix(count), shapes);
            if (snapshot is null || snapshot.Whole.FiniteCount < new AdvisorOptions().MinimumSteps)
            {
                continue;
            }

            nextStep = step + spacing;
            bool faultActive = info.Action != ActionNames.Of(TrainingAction.Continue) && step >= info.OnsetStep;
            yield return (snapshot, faultActive ? info.Action : ActionNames.Of(TrainingAction.Continue));
        }
    }

    /// <summary>Effective runs with enough activity; half of them (by a stable hash of the name) lose their learning-rate and excluded-fraction columns, so the models also work on traces with only step, layer, activity, loss (the norm columns are dropped from a copy of every run in training, see <see cref="Train"/>).</summary>
    private static List<(CorpusRunInfo Info, RunTrace Trace)> UsableRuns(Corpus corpus, out int unused)
    {
        int minimum = new AdvisorOptions().MinimumSteps;
        var result = new List<(CorpusRunInfo, RunTrace)>();
        unused = 0;
        foreach (CorpusRunInfo info in corpus.Runs)
        {
            if (!info.Effective || !corpus.Traces.TryGetValue(info.Run, out RunTrace? trace) || trace.Activity.Count(double.IsFinite) < minimum)
            {
                unused++;
                continue;
            }

            result.Add((info, StableHash(info.Run) % 2 == 0 ? trace.WithoutLearningRateAndExclusion() : trace));
        }

        return result;
    }

    private static uint StableHash(string text)
    {
        uint h = 2166136261;
        foreach (char c in text)
        {
            h = (h ^ c) * 16777619;
        }

        return h;
    }

    private sealed record RunOutcome(string Top, long? FirstAlarm);
}
