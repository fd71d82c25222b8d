using MLGradientInsight.ActivityClassifier.Shapes;

namespace MLGradientInsight.ActivityClassifier.Actions;

/// <summary>
/// The transparent baseline: the paper's reading (000 §3.1, §4) as ordered rules on the window features and shapes
/// (docs/classifier.md lists them). Each rule that fires adds its action; the first fired rule ranks first.
/// </summary>
internal static class RuleAdvisor
{
    /// <summary>The loss counts as "not falling" when it is above this fraction of its start (less than 10 % gained).</summary>
    public const double StalledLossRatio = 0.9;

    public static IReadOnlyList<RankedAction> Rank(RunSnapshot s)
    {
        RunSnapshot.SeriesState net = s.Network, run = s.Whole;
        var fired = new List<TrainingAction>();
        // Progress can only be judged once the last window no longer overlaps the first one.
        long window = net.Window.EndStep - net.Window.StartStep + 1;
        bool judged = net.Window.StartStep - run.Window.StartStep >= window;
        bool lossStalled = judged && net["loss_vs_start"] > Math.Log(StalledLossRatio);
        bool lossRose = net["loss_vs_start"] > Math.Log(1.5) || net["loss_non_finite_fraction"] > 0 || run["loss_non_finite_fraction"] > 0;

        // Divergence: loss rising or not finite (§3.1: "chaotic change … incorrectly selected training parameters").
        if (lossRose || (run["lr_change"] > Math.Log(10) && net["loss_slope"] > 0.05))
        {
            fired.Add(TrainingAction.LowerLearningRate);
        }

        // Units that stopped learning: dI = 1 means I = 0, the gradient no longer changes.
        if (lossStalled && (net["pinned_fraction"] > 0.5 || s.Layers.Any(l => l["pinned_fraction"] > 0.8)))
        {
            fired.Add(TrainingAction.CheckInitialization);
        }

        // One layer far less active than the others (Fig. 5–8) while the loss does not fall.
        if (lossStalled && s.Layers.Length >= 2 && s.Layers.Min(l => l["self_vs_layers"]) < -Math.Log(5))
        {
            fired.Add(TrainingAction.CheckArchitecture);
        }

        // Learning rate collapsed and progress stopped (Fig. 4: "adjust … by changing its speed").
        if (run["lr_change"] < -Math.Log(10) && net["loss_slope"] > -0.05)
        {
            fired.Add(TrainingAction.RaiseLearningRate);
        }

        if (lossStalled)
        {
            // §3.1: chaotic change without a falling error → training parameters; decaying (Fig. 4) or rising
            // (Fig. 3, a local minimum the paper escaped by raising the rate) → the speed; uniform → the data.
            fired.Add(net.TopShape switch
            {
                ActivityShape.Chaotic => TrainingAction.LowerLearningRate,
                ActivityShape.Decaying or ActivityShape.Rising => TrainingAction.RaiseLearningRate,
                _ => TrainingAction.CheckData,
            });
        }

        fired.Add(TrainingAction.Continue);
        var ranked = new List<RankedAction>();
        foreach (TrainingAction a in fired.Distinct())
        {
            ranked.Add(new RankedAction(ActionNames.Of(a), Math.Round(1.0 / (ranked.Count + 1), 3), Evidence.For(a, s)));
        }

        return ranked;
    }
}
