using MLGradientInsight.ActivityClassifier.Actions;

namespace MLGradientInsight.ActivityClassifier.Training;

/// <summary>One training example of the action model: a prefix snapshot's features, its label, and what the decision rule needs.</summary>
/// <param name="Info">The run it comes from.</param>
/// <param name="Features">The action feature vector.</param>
/// <param name="Label">The right action at this prefix.</param>
/// <param name="LossIsFalling">Whether the progress gate keeps <c>continue</c> first at this prefix.</param>
internal sealed record ActionExample(CorpusRunInfo Info, float[] Features, string Label, bool LossIsFalling)
{
    /// <summary>Gets whether this is the run's last snapshot (the end of the trace).</summary>
    public bool Last { get; init; }

    /// <summary>Gets the row the action model trains on.</summary>
    public ActionModel.ActionRow Row => new() { Features = Features, Label = Label };
}

/// <summary>
/// Chooses the action model's alarm threshold (the probability an action other than <c>continue</c> needs to rank
/// first) by cross-validation on the training runs only, split by workload (<see cref="InnerFolds"/> groups of whole
/// workloads): out-of-fold probabilities for every training example, then the threshold from a fixed grid that maximises right-top-action on faulty runs (end of run)
/// + quiet healthy runs (no two consecutive prefixes with the same alarm, as the online advisor confirms alarms)
/// − 4 × the end-of-run false-alarm rate above 5 %. The held-out workload of an
/// evaluation fold never takes part.
/// </summary>
internal static class AlarmCalibration
{
    /// <summary>The candidate thresholds: 0.30, 0.35, …, 0.95.</summary>
    public static IReadOnlyList<double> Grid { get; } = [.. Enumerable.Range(6, 14).Select(i => i * 0.05)];

    /// <summary>The number of inner folds (groups of whole workloads) of the cross-validation.</summary>
    public const int InnerFolds = 3;

    /// <summary>The end-of-run false-alarm rate tolerated before the objective is penalised (the target).</summary>
    public const double TolerableFalseAlarms = 0.05;

    public static double Choose(IReadOnlyList<ActionExample> examples, ClassifierTrainingOptions options)
    {
        if (options.AlarmThreshold is { } fixedThreshold)
        {
            return fixedThreshold;
        }

        string[] workloads = [.. examples.Select(e => e.Info.Workload).Distinct()];
        if (workloads.Length < 2)
        {
            return new Diagnosis.AdvisorOptions().AlarmThreshold;
        }

        // Workloads (in name order) go round-robin into at most InnerFolds groups; each group is held out once.
        string[] ordered = [.. workloads.Order(StringComparer.Ordinal)];
        int groups = Math.Min(InnerFolds, ordered.Length);
        Dictionary<string, int> groupOf = ordered.Select((w, i) => (w, i)).ToDictionary(x => x.w, x => x.i % groups);
        float[][] probabilities = new float[examples.Count][];
        for (int g = 0; g < groups; g++)
        {
            ActionModel inner = ActionModel.Train(examples.Where(e => groupOf[e.Info.Workload] != g).Select(e => e.Row), options.Algorithm, options.Seed);
            for (int i = 0; i < examples.Count; i++)
            {
                if (groupOf[examples[i].Info.Workload] == g)
                {
                    probabilities[i] = inner.Scores(examples[i].Features);
                }
            }
        }

        double best = double.NegativeInfinity, chosen = Grid[^1];
        foreach (double t in Grid)
        {
            double objective = Objective(examples, probabilities, t);
            if (objective >= best)
            {
                (best, chosen) = (objective, t);
            }
        }

        return chosen;
    }

    /// <summary>The advisor's decision (as <c>AdvisorCore</c>): the top action unless it is not sure enough or the loss is falling.</summary>
    public static string Decide(float[] p, bool lossIsFalling, double threshold)
    {
        int top = 0;
        for (int i = 1; i < p.Length; i++)
        {
            top = p[i] > p[top] ? i : top;
        }

        string keep = ActionNames.Of(TrainingAction.Continue);
        string action = ActionNames.Of((TrainingAction)top);
        return action != keep && (Math.Round(p[top], 4) < threshold || lossIsFalling) ? keep : action;
    }

    private static double Objective(IReadOnlyList<ActionExample> examples, float[][] probabilities, double threshold)
    {
        string keep = ActionNames.Of(TrainingAction.Continue);
        int faulty = 0, right = 0, healthy = 0, endAlarms = 0, anyAlarms = 0;
        foreach (var run in Enumerable.Range(0, examples.Count).GroupBy(i => examples[i].Info.Run))
        {
            CorpusRunInfo info = examples[run.First()].Info;
            int last = run.Single(i => examples[i].Last);
            string end = Decide(probabilities[last], examples[last].LossIsFalling, threshold);
            if (info.Action == keep)
            {
                healthy++;
                endAlarms += end != keep ? 1 : 0;
                // The online advisor alarms when consecutive evaluations agree: two consecutive prefixes with the same alarm.
                string[] decisions = [.. run.Select(i => Decide(probabilities[i], examples[i].LossIsFalling, threshold))];
                anyAlarms += decisions.Skip(1).Where((d, k) => d != keep && d == decisions[k]).Any() ? 1 : 0;
            }
            else
            {
                faulty++;
                right += end == info.Action ? 1 : 0;
            }
        }

        double rightRate = faulty == 0 ? 0 : (double)right / faulty;
        double endRate = healthy == 0 ? 0 : (double)endAlarms / healthy;
        double anyRate = healthy == 0 ? 0 : (double)anyAlarms / healthy;
        return rightRate + (1 - anyRate) - (4 * Math.Max(0, endRate - TolerableFalseAlarms));
    }
}
