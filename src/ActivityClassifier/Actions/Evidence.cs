using System.Globalization;
using MLGradientInsight.ActivityClassifier.Shapes;

namespace MLGradientInsight.ActivityClassifier.Actions;

/// <summary>Writes the evidence for an action in the user's terms, from the numbers of a <see cref="RunSnapshot"/>.</summary>
internal static class Evidence
{
    public static string For(TrainingAction action, RunSnapshot s)
    {
        RunSnapshot.SeriesState net = s.Network;
        string lastSpan = $"the last {s.Network.Window.EndStep - s.Network.Window.StartStep + 1} steps";
        string loss = LossStory(s);
        switch (action)
        {
            case TrainingAction.LowerLearningRate:
                if (net["loss_non_finite_fraction"] > 0 || s.Whole["loss_non_finite_fraction"] > 0)
                {
                    return $"the loss became NaN/∞ ({Pct(Math.Max(net["loss_non_finite_fraction"], s.Whole["loss_non_finite_fraction"]))} of steps) — the updates are too large; {loss}";
                }

                if (s.Whole["lr_change"] > Math.Log(3))
                {
                    return $"the learning rate grew ×{N(Math.Exp(s.Whole["lr_change"]))} during the run and {loss} — the steps have become too large";
                }

                return $"{loss}, and network activity is {ShapeNames.Of(net.TopShape)} over {lastSpan} (spikes in {Pct(net["spike_rate"])} of steps, dispersion {N(net["dispersion"])}){UpdateRatio(s, tooLarge: true)} — the steps are too large";
            case TrainingAction.RaiseLearningRate:
                if (s.Whole["lr_change"] < -Math.Log(10))
                {
                    return $"the learning rate fell ×{N(Math.Exp(-s.Whole["lr_change"]))} during the run and since then {loss} — training has stalled";
                }

                return $"{loss} while network activity is {ShapeNames.Of(net.TopShape)} (level {N(Math.Exp(net["level"]))}){UpdateRatio(s, tooLarge: false)} — the updates are too small to make progress";
            case TrainingAction.CheckArchitecture:
            {
                RunSnapshot.SeriesState? weakest = s.Layers.Length == 0 ? null : s.Layers.MinBy(l => l["self_vs_layers"]);
                string layer = weakest is null ? "" : $"layer {weakest.Window.Layer} is {N(Math.Exp(-weakest["self_vs_layers"]))}× less active than the median layer (000 Fig. 5–8: the gradient does not reach it well); ";
                return $"{layer}{loss}; with {s.Layers.Length} layers the gradient may vanish through the activations — check depth and activation functions";
            }

            case TrainingAction.CheckInitialization:
            {
                RunSnapshot.SeriesState? pinned = s.Layers.Length == 0 ? null : s.Layers.MaxBy(l => l["pinned_fraction"]);
                string where = pinned is not null && pinned["pinned_fraction"] > net["pinned_fraction"]
                    ? $"layer {pinned.Window.Layer}'s activity is pinned at 1.0 in {Pct(pinned["pinned_fraction"])} of {lastSpan}"
                    : $"network activity is pinned at 1.0 in {Pct(net["pinned_fraction"])} of {lastSpan}";
                return $"{where} while {loss}{WeightChange(s)} — most units stopped learning (their gradients no longer change); check the weight and bias initialisation";
            }

            case TrainingAction.CheckData:
                return $"{loss} although network activity is {ShapeNames.Of(net.TopShape)}{FirstLayerGradient(s)} — the model cannot fit the targets; check the labels and the input scaling";
            default:
                return $"{loss}; network activity is {ShapeNames.Of(net.TopShape)} over {lastSpan} (p = {N(net.Shape.Max())})";
        }
    }

    /// <summary>"the loss fell from 2.30 to 0.45 (−80 %) since the start".</summary>
    public static string LossStory(RunSnapshot s)
    {
        if (s.Whole["loss_present"] == 0)
        {
            return "the trace has no loss";
        }

        double start = s.Whole.Window.StartLossLevel;
        double now = Math.Exp(s.Network["loss_vs_start"]) * start;
        if (!double.IsFinite(start) || !double.IsFinite(now))
        {
            return "the loss is not finite";
        }

        double change = (now / start) - 1;
        string verb = change < -0.05 ? "fell" : change > 0.05 ? "rose" : "stayed";
        return verb == "stayed"
            ? $"the loss stays at {N(now)} (start {N(start)})"
            : $"the loss {verb} from {N(start)} to {N(now)} ({(change > 0 ? "+" : "−")}{Pct(Math.Abs(change))}) since the start";
    }

    /// <summary>The update-to-weight ratio (log10) at or above which a step is large (≈ 10⁻³ is typical).</summary>
    private const double LargeUpdateRatioLog10 = -2;

    /// <summary>The update-to-weight ratio (log10) at or below which a step is small.</summary>
    private const double SmallUpdateRatioLog10 = -4;

    /// <summary>
    /// ", and a step changes the weights by 10^-4.7 of their norm (median over layers; ≈ 10⁻³ is typical)" when the trace has
    /// norms and the ratio supports the claim (≥ 10⁻² for steps that are too large, ≤ 10⁻⁴ for steps too small), else "":
    /// a ratio of 10⁻¹² next to "the steps are too large" (units a huge step has already killed) would read as a contradiction.
    /// </summary>
    private static string UpdateRatio(RunSnapshot s, bool tooLarge)
    {
        float log10 = Norm(s, "norms.update_ratio_log10");
        bool supports = tooLarge ? log10 >= LargeUpdateRatioLog10 : log10 <= SmallUpdateRatioLog10;
        return Norm(s, "norms.present") == 0 || log10 == 0 || !supports ? ""
            : string.Create(CultureInfo.InvariantCulture, $", and a step changes the weights by 10^{log10:0.0} of their norm (‖Δθ‖/‖θ‖, median over layers; ≈ 10^-3 is typical)");
    }

    private static string WeightChange(RunSnapshot s) => Norm(s, "norms.present") == 0 ? ""
        : $"; the layers' weight norms are ×{N(Math.Exp(Norm(s, "norms.weight_vs_start")))} their start (median over layers)";

    private static string FirstLayerGradient(RunSnapshot s) => Norm(s, "norms.present") == 0 || Norm(s, "norms.first_layer_grad_ratio") < Math.Log(10) ? ""
        : $" and the first layer's gradient norm is {N(Math.Exp(Norm(s, "norms.first_layer_grad_ratio")))}× the other layers' (unscaled inputs make it large)";

    private static float Norm(RunSnapshot s, string name) => s.ActionFeatures[ActionFeatureVector.NormOffset + NormFeatures.IndexOf(name)];

    private static string N(double value) => value.ToString(Math.Abs(value) >= 100 || (Math.Abs(value) < 0.01 && value != 0) ? "G2" : "0.##", CultureInfo.InvariantCulture);

    private static string Pct(double fraction) => (100 * fraction).ToString("0", CultureInfo.InvariantCulture) + "%";
}
