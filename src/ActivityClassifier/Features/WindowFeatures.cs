using System.Buffers;

namespace MLGradientInsight.ActivityClassifier.Features;

/// <summary>
/// The window featurizer's plain C# core: a <see cref="TraceWindow"/> → <see cref="Count"/> numbers
/// (definitions in docs/classifier.md, names in <see cref="Names"/>). Works on what any framework's trace has
/// (step, layer, activity, loss); learning rate and excluded fraction add features when present (0 / −1 otherwise).
/// </summary>
public static class WindowFeatures
{
    /// <summary>The number of blocks a window is split into for block medians and the Theil–Sen slope.</summary>
    public const int Blocks = 8;

    /// <summary>Activity values below this are treated as this before taking logarithms.</summary>
    public const double ActivityFloor = 1e-6;

    /// <summary>A value within this distance of 1.0 counts as "pinned at 1" (dI = 1: the gradient stopped changing, I = 0).</summary>
    public const double PinnedTolerance = 0.02;

    /// <summary>A value above this multiple of its block median counts as a spike.</summary>
    public const double SpikeFactor = 3;

    private static readonly string[] s_names =
    [
        "level", "slope", "dispersion", "spike_rate", "autocorrelation", "pinned_fraction", "non_finite_fraction",
        "gap_fraction", "max_ratio", "spread_p90_p10", "excluded_mean", "level_vs_start", "loss_vs_start", "loss_slope",
        "loss_noise", "loss_non_finite_fraction", "loss_present", "lr_change", "lr_present", "layer_min_ratio",
        "layer_spread", "self_vs_layers", "is_network", "log_end_step",
    ];

    /// <summary>Gets the feature names, in vector order.</summary>
    public static IReadOnlyList<string> Names => s_names;

    /// <summary>Gets the length of the feature vector (24).</summary>
    public static int Count => s_names.Length;

    /// <summary>Index of the feature called <paramref name="name"/>.</summary>
    /// <param name="name">A name from <see cref="Names"/>.</param>
    /// <returns>The index.</returns>
    /// <exception cref="ArgumentException">Unknown name.</exception>
    public static int IndexOf(string name)
    {
        int i = Array.IndexOf(s_names, name);
        return i >= 0 ? i : throw new ArgumentException($"Unknown window feature '{name}'; known: {string.Join(", ", s_names)}.", nameof(name));
    }

    /// <summary>Computes the features of one window.</summary>
    /// <param name="window">The window.</param>
    /// <param name="destination">Receives <see cref="Count"/> finite values.</param>
    /// <exception cref="ArgumentNullException"><paramref name="window"/> is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="destination"/> is shorter than <see cref="Count"/>.</exception>
    public static void Compute(TraceWindow window, Span<float> destination)
    {
        ArgumentNullException.ThrowIfNull(window);
        if (destination.Length < Count)
        {
            throw new ArgumentException($"The destination has {destination.Length} elements; the window features need {Count}.", nameof(destination));
        }

        destination[..Count].Clear();
        float[] activity = window.Activity;
        int n = activity.Length;
        double[] rented = ArrayPool<double>.Shared.Rent(Math.Max(1, 2 * n));
        try
        {
            Span<double> logs = rented.AsSpan(0, n);
            Span<double> scratch = rented.AsSpan(n, n);
            int finite = 0, pinned = 0;
            double max = double.NegativeInfinity;
            foreach (float a in activity)
            {
                if (float.IsFinite(a))
                {
                    logs[finite++] = Math.Log(Math.Max(a, ActivityFloor));
                    pinned += Math.Abs(a - 1) < PinnedTolerance ? 1 : 0;
                    max = Math.Max(max, a);
                }
            }

            logs = logs[..finite];
            double span = window.EndStep - window.StartStep + 1;
            Set(destination, "non_finite_fraction", n == 0 ? 1 : (double)(n - finite) / n);
            Set(destination, "gap_fraction", Math.Clamp(1 - (n / Math.Max(1, span)), 0, 1));
            Set(destination, "is_network", window.IsNetwork ? 1 : 0);
            Set(destination, "log_end_step", Math.Log10(Math.Max(1, window.EndStep)));
            double level = double.NaN;
            if (finite > 0)
            {
                logs.CopyTo(scratch);
                double logLevel = RobustStatistics.MedianInPlace(scratch[..finite]);
                level = Math.Exp(logLevel);
                Set(destination, "level", logLevel);
                Set(destination, "pinned_fraction", (double)pinned / finite);
                Set(destination, "max_ratio", Math.Log(Math.Max(max, ActivityFloor)) - logLevel);
                Set(destination, "spread_p90_p10", scratch[(int)(0.9 * (finite - 1))] - scratch[(int)(0.1 * (finite - 1))]);
                if (float.IsFinite(window.StartActivityLevel) && window.StartActivityLevel > 0)
                {
                    Set(destination, "level_vs_start", logLevel - Math.Log(window.StartActivityLevel));
                }
            }

            if (finite >= 2 * Blocks)
            {
                Span<double> medians = stackalloc double[Blocks];
                double slope = RobustStatistics.BlockTheilSen(logs, medians);
                Set(destination, "slope", slope * (Blocks - 1));
                int spikes = 0;
                double sumProducts = 0, sumSquares = 0, previous = double.NaN;
                for (int i = 0; i < finite; i++)
                {
                    double residual = logs[i] - medians[RobustStatistics.BlockOf(i, finite, Blocks)];
                    scratch[i] = Math.Abs(residual);
                    spikes += residual > Math.Log(SpikeFactor) ? 1 : 0;
                    sumSquares += residual * residual;
                    if (!double.IsNaN(previous))
                    {
                        sumProducts += residual * previous;
                    }

                    previous = residual;
                }

                Set(destination, "dispersion", RobustStatistics.MadToSigma * RobustStatistics.MedianInPlace(scratch[..finite]));
                Set(destination, "spike_rate", (double)spikes / finite);
                Set(destination, "autocorrelation", sumSquares > 0 ? sumProducts / sumSquares : 0);
            }

            LossFeatures(window, destination);
            ExcludedAndLearningRate(window, destination);
            LayerFeatures(window, level, destination);
        }
        finally
        {
            ArrayPool<double>.Shared.Return(rented);
        }

        for (int i = 0; i < Count; i++)
        {
            if (!float.IsFinite(destination[i]))
            {
                destination[i] = 0;
            }
        }
    }

    private static void LossFeatures(TraceWindow window, Span<float> destination)
    {
        int length = window.Loss.Length;
        double[] rented = ArrayPool<double>.Shared.Rent(Math.Max(1, 2 * length));
        try
        {
            LossFeatures(window, destination, rented.AsSpan(0, length), rented.AsSpan(length, length));
        }
        finally
        {
            ArrayPool<double>.Shared.Return(rented);
        }
    }

    private static void LossFeatures(TraceWindow window, Span<float> destination, Span<double> values, Span<double> scratch)
    {
        int finite = 0, present = 0;
        foreach (float l in window.Loss)
        {
            if (float.IsNaN(l))
            {
                continue;
            }

            present++;
            if (float.IsFinite(l))
            {
                values[finite++] = l;
            }
        }

        Set(destination, "loss_present", present > 0 ? 1 : 0);
        if (present == 0)
        {
            return;
        }

        Set(destination, "loss_non_finite_fraction", (double)(present - finite) / present);
        if (finite == 0)
        {
            return;
        }

        values[..finite].CopyTo(scratch);
        double median = RobustStatistics.MedianInPlace(scratch[..finite]);
        double scale = Math.Max(Math.Abs(median), 1e-12);
        if (float.IsFinite(window.StartLossLevel) && window.StartLossLevel > 0 && median > 0)
        {
            Set(destination, "loss_vs_start", Math.Log(median / window.StartLossLevel));
        }

        if (finite >= 2 * Blocks)
        {
            Span<double> medians = stackalloc double[Blocks];
            double slope = RobustStatistics.BlockTheilSen(values[..finite], medians);
            Set(destination, "loss_slope", Math.Clamp(slope * (Blocks - 1) / scale, -10, 10));
            for (int i = 0; i < finite; i++)
            {
                scratch[i] = Math.Abs(values[i] - medians[RobustStatistics.BlockOf(i, finite, Blocks)]);
            }

            Set(destination, "loss_noise", Math.Min(10, RobustStatistics.MadToSigma * RobustStatistics.MedianInPlace(scratch[..finite]) / scale));
        }
    }

    private static void ExcludedAndLearningRate(TraceWindow window, Span<float> destination)
    {
        double sum = 0;
        int count = 0;
        foreach (float e in window.ExcludedFraction)
        {
            if (float.IsFinite(e))
            {
                sum += e;
                count++;
            }
        }

        Set(destination, "excluded_mean", count > 0 ? sum / count : -1);
        float first = float.NaN, last = float.NaN;
        foreach (float lr in window.LearningRate)
        {
            if (float.IsFinite(lr) && lr > 0)
            {
                first = float.IsNaN(first) ? lr : first;
                last = lr;
            }
        }

        bool hasRate = !float.IsNaN(first);
        Set(destination, "lr_present", hasRate ? 1 : 0);
        Set(destination, "lr_change", hasRate ? Math.Log((double)last / first) : 0);
    }

    private static void LayerFeatures(TraceWindow window, double level, Span<float> destination)
    {
        int count = 0;
        Span<double> levels = stackalloc double[Math.Min(window.LayerLevels.Length, 256)];
        foreach (float l in window.LayerLevels)
        {
            if (float.IsFinite(l) && l > 0 && count < levels.Length)
            {
                levels[count++] = Math.Log(Math.Max(l, ActivityFloor));
            }
        }

        if (count == 0)
        {
            return;
        }

        levels = levels[..count];
        double median = RobustStatistics.MedianInPlace(levels);
        if (count >= 2)
        {
            Set(destination, "layer_min_ratio", levels[0] - median);
            Set(destination, "layer_spread", levels[^1] - levels[0]);
        }

        if (!window.IsNetwork && double.IsFinite(level))
        {
            Set(destination, "self_vs_layers", Math.Log(Math.Max(level, ActivityFloor)) - median);
        }
    }

    private static void Set(Span<float> destination, string name, double value) => destination[Array.IndexOf(s_names, name)] = (float)value;
}
