using MLGradientInsight.ActivityClassifier.Features;

namespace MLGradientInsight.ActivityClassifier.Actions;

/// <summary>
/// Scale-free features of the whole run's history (the network's whole-run window split into 8 blocks), for the
/// action model: how the loss fell or did not (early vs late, best so far, back up from the best), the absolute start
/// levels of loss and activity (a huge initialisation starts with a huge loss), and early spikes.
/// Definitions in docs/classifier.md ("Action model").
/// </summary>
internal static class RunHistoryFeatures
{
    private static readonly string[] s_names =
    [
        "hist.start_loss_log", "hist.start_activity_log", "hist.loss_early_drop", "hist.loss_late_drop", "hist.loss_best_vs_start",
        "hist.loss_last_vs_best", "hist.loss_early_max_vs_start", "hist.loss_falling_blocks", "hist.activity_max_block_vs_start",
        "hist.activity_min_block_vs_start", "hist.activity_early_change",
    ];

    /// <summary>Gets the feature names, in vector order.</summary>
    public static IReadOnlyList<string> Names => s_names;

    /// <summary>The number of features.</summary>
    public const int Count = 11;

    /// <summary>Computes the features of a whole-run window into <paramref name="destination"/> (0 where undefined).</summary>
    public static void Compute(TraceWindow whole, Span<float> destination)
    {
        destination[..Count].Clear();
        double startLoss = whole.StartLossLevel, startActivity = whole.StartActivityLevel;
        destination[0] = Log(startLoss);
        destination[1] = Log(startActivity);
        Span<double> loss = stackalloc double[WindowFeatures.Blocks];
        Span<double> activity = stackalloc double[WindowFeatures.Blocks];
        bool hasLoss = BlockMedians(whole.Loss, loss);
        bool hasActivity = BlockMedians(whole.Activity, activity);
        if (hasLoss)
        {
            double best = double.PositiveInfinity, earlyMax = double.NegativeInfinity;
            int falling = 0;
            for (int b = 0; b < loss.Length; b++)
            {
                best = Math.Min(best, loss[b]);
                falling += b > 0 && loss[b] < loss[b - 1] ? 1 : 0;
            }

            int firstBlock = Math.Max(1, whole.Loss.Length / WindowFeatures.Blocks);
            foreach (float l in whole.Loss.AsSpan(0, Math.Min(firstBlock, whole.Loss.Length)))
            {
                earlyMax = float.IsFinite(l) ? Math.Max(earlyMax, l) : earlyMax;
            }

            destination[2] = LogRatio(loss[1], loss[0]);
            destination[3] = LogRatio(loss[^1], loss[loss.Length / 2]);
            destination[4] = LogRatio(best, loss[0]);
            destination[5] = LogRatio(loss[^1], best);
            destination[6] = LogRatio(earlyMax, loss[0]);
            destination[7] = falling / (float)(loss.Length - 1);
        }

        if (hasActivity)
        {
            double max = double.NegativeInfinity, min = double.PositiveInfinity;
            foreach (double a in activity)
            {
                max = Math.Max(max, a);
                min = Math.Min(min, a);
            }

            destination[8] = LogRatio(max, activity[0]);
            destination[9] = LogRatio(min, activity[0]);
            destination[10] = LogRatio(activity[1], activity[0]);
        }

        for (int i = 0; i < Count; i++)
        {
            destination[i] = float.IsFinite(destination[i]) ? Math.Clamp(destination[i], -50, 50) : 0;
        }
    }

    /// <summary>Medians of the finite positive values of 8 equal blocks; false when a block has none.</summary>
    private static bool BlockMedians(float[] values, Span<double> medians)
    {
        if (values.Length < 2 * medians.Length)
        {
            return false;
        }

        double[] scratch = new double[(values.Length / medians.Length) + 2];
        for (int b = 0; b < medians.Length; b++)
        {
            int start = (int)((long)values.Length * b / medians.Length), end = (int)((long)values.Length * (b + 1) / medians.Length), n = 0;
            for (int i = start; i < end; i++)
            {
                if (float.IsFinite(values[i]) && values[i] > 0 && n < scratch.Length)
                {
                    scratch[n++] = values[i];
                }
            }

            if (n == 0)
            {
                return false;
            }

            medians[b] = RobustStatistics.MedianInPlace(scratch.AsSpan(0, n));
        }

        return true;
    }

    private static float Log(double value) => value > 0 && double.IsFinite(value) ? (float)Math.Log(value) : 0;

    private static float LogRatio(double value, double reference) => value > 0 && reference > 0 ? (float)Math.Log(value / reference) : 0;
}
