using MLGradientInsight.ActivityClassifier.Features;

namespace MLGradientInsight.ActivityClassifier.Actions;

/// <summary>
/// Scale-free features of the layers' optional gradient, weight and update norms (<c>grad_norm</c>, <c>weight_norm</c>,
/// <c>update_norm</c>) in the last window, for the action model: the update-to-weight ratio ‖Δθ‖/‖θ‖ (the textbook
/// learning-rate diagnostic: ≈ 10⁻³ is healthy, ≤ 10⁻⁵ too low, ≥ 10⁻¹ too high), its change since the run's first window,
/// the change of the weight and gradient norms since then (tiny or huge initialisation, exploding runs) and the first
/// layer's gradient norm against the others (unnormalised inputs). All are 0 and <c>norms.present</c> is 0 when the
/// trace has no norms, so a trace with only step, layer, activity and loss gives the same vector as before.
/// Definitions in docs/classifier.md ("Action model").
/// </summary>
internal static class NormFeatures
{
    private static readonly string[] s_names =
    [
        "norms.present", "norms.update_ratio_log10", "norms.update_ratio_min_log10", "norms.update_ratio_max_log10",
        "norms.update_ratio_vs_start", "norms.weight_vs_start", "norms.weight_vs_start_max", "norms.grad_vs_start",
        "norms.grad_vs_start_max", "norms.first_layer_grad_ratio", "norms.grad_layer_spread", "norms.grad_spike",
        "norms.grad_non_finite_fraction",
    ];

    /// <summary>Ratios below this are treated as this before taking logarithms (an update of zero).</summary>
    public const double RatioFloor = 1e-12;

    /// <summary>Gets the feature names, in vector order.</summary>
    public static IReadOnlyList<string> Names => s_names;

    /// <summary>The number of features.</summary>
    public const int Count = 13;

    /// <summary>The update-to-weight ratio ‖Δθ‖/‖θ‖ of each step (NaN where either norm is missing, non-finite or ‖θ‖ = 0).</summary>
    public static float[] UpdateRatios(float[] update, float[] weight)
    {
        float[] ratios = new float[Math.Min(update.Length, weight.Length)];
        for (int i = 0; i < ratios.Length; i++)
        {
            ratios[i] = float.IsFinite(update[i]) && float.IsFinite(weight[i]) && weight[i] > 0 ? (float)((double)update[i] / weight[i]) : float.NaN;
        }

        return ratios;
    }

    /// <summary>
    /// A layer's start norms (<see cref="TraceWindow.StartGradientNorm"/>, <see cref="TraceWindow.StartWeightNorm"/>,
    /// <see cref="TraceWindow.StartUpdateRatio"/>): the finite medians of its norms and update ratios over the run's first window.
    /// </summary>
    /// <param name="gradient">The layer's gradient norms over the first window.</param>
    /// <param name="weight">Its weight norms, same steps.</param>
    /// <param name="update">Its update norms, same steps.</param>
    public static (float Gradient, float Weight, float Ratio) StartNorms(float[] gradient, float[] weight, float[] update) =>
        ((float)RobustStatistics.FiniteMedian(gradient), (float)RobustStatistics.FiniteMedian(weight), (float)RobustStatistics.FiniteMedian(UpdateRatios(update, weight)));

    /// <summary>Index of the feature called <paramref name="name"/> in <see cref="Names"/> (−1 for an unknown name).</summary>
    public static int IndexOf(string name) => Array.IndexOf(s_names, name);

    /// <summary>Computes the features of the layers' last windows (trace order, the first layer first) into <paramref name="destination"/>.</summary>
    public static void Compute(IReadOnlyList<TraceWindow> layers, Span<float> destination)
    {
        destination[..Count].Clear();
        var ratio = new List<double>();
        var ratioChange = new List<double>();
        var weightChange = new List<double>();
        var gradientChange = new List<double>();
        var gradientLevel = new List<(int Layer, double Log)>();
        double spike = double.NaN, nonFinite = double.NaN;
        for (int l = 0; l < layers.Count; l++)
        {
            TraceWindow w = layers[l];
            double r = RobustStatistics.FiniteMedian(UpdateRatios(w.UpdateNorm, w.WeightNorm));
            if (double.IsFinite(r))
            {
                double log = Math.Log10(Math.Max(r, RatioFloor));
                ratio.Add(log);
                if (float.IsFinite(w.StartUpdateRatio))
                {
                    ratioChange.Add(log - Math.Log10(Math.Max(w.StartUpdateRatio, RatioFloor)));
                }
            }

            double weight = RobustStatistics.FiniteMedian(w.WeightNorm);
            if (weight > 0 && w.StartWeightNorm > 0)
            {
                weightChange.Add(Math.Log(weight / w.StartWeightNorm));
            }

            double gradient = RobustStatistics.FiniteMedian(w.GradientNorm);
            if (gradient > 0)
            {
                gradientLevel.Add((l, Math.Log(gradient)));
                if (w.StartGradientNorm > 0)
                {
                    gradientChange.Add(Math.Log(gradient / w.StartGradientNorm));
                }

                float max = 0;
                foreach (float g in w.GradientNorm)
                {
                    max = float.IsFinite(g) ? Math.Max(max, g) : max;
                }

                spike = Max(spike, Math.Log(Math.Max(max, gradient) / gradient));
            }

            int present = w.GradientNorm.Count(g => !float.IsNaN(g));
            if (present > 0)
            {
                nonFinite = Max(nonFinite, (double)w.GradientNorm.Count(float.IsInfinity) / present);
            }
        }

        if (ratio.Count == 0 && gradientLevel.Count == 0 && weightChange.Count == 0)
        {
            return;
        }

        destination[0] = 1;
        if (ratio.Count > 0)
        {
            destination[1] = (float)Median(ratio);
            destination[2] = (float)ratio.Min();
            destination[3] = (float)ratio.Max();
        }

        destination[4] = (float)Median(ratioChange);
        destination[5] = (float)Median(weightChange);
        destination[6] = weightChange.Count > 0 ? (float)weightChange.Max() : 0;
        destination[7] = (float)Median(gradientChange);
        destination[8] = gradientChange.Count > 0 ? (float)gradientChange.Max() : 0;
        if (gradientLevel.Count >= 2 && gradientLevel[0].Layer == 0)
        {
            destination[9] = (float)(gradientLevel[0].Log - Median([.. gradientLevel.Skip(1).Select(g => g.Log)]));
        }

        if (gradientLevel.Count >= 2)
        {
            destination[10] = (float)(gradientLevel.Max(g => g.Log) - gradientLevel.Min(g => g.Log));
        }

        destination[11] = (float)spike;
        destination[12] = (float)nonFinite;
        for (int i = 0; i < Count; i++)
        {
            destination[i] = float.IsFinite(destination[i]) ? Math.Clamp(destination[i], -50, 50) : 0;
        }
    }

    private static double Median(List<double> values)
    {
        if (values.Count == 0)
        {
            return 0;
        }

        double[] copy = [.. values];
        return RobustStatistics.MedianInPlace(copy);
    }

    private static double Max(double current, double value) => double.IsNaN(current) ? value : Math.Max(current, value);
}
