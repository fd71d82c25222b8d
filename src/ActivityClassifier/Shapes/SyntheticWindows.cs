using MLGradientInsight.Transforms.Activity;

namespace MLGradientInsight.ActivityClassifier.Shapes;

/// <summary>
/// Synthetic activity windows with known parameters, labelled by construction (docs/classifier.md): log-activity =
/// ln(level) + slope·t + AR(1) noise (σ, φ) + spikes (rate r, size ×3…×30), optional gaps and NaN values.
/// Uniform: |slope| ≤ 0.2, σ ≤ 0.3, r ≤ 0.02; rising / decaying: slope ±[0.7, 3] with uniform-range noise;
/// chaotic: σ ∈ [0.7, 1.5] or r ∈ [0.15, 0.3] with any slope in ±1. Parameters between those bands are never drawn,
/// so every label is unambiguous.
/// </summary>
public static class SyntheticWindows
{
    /// <summary>Generates <paramref name="count"/> labelled windows (shapes in turn).</summary>
    /// <param name="count">The number of windows.</param>
    /// <param name="seed">The random seed.</param>
    /// <returns>The windows with <see cref="Features.TraceWindow.Label"/> set.</returns>
    public static IEnumerable<Features.TraceWindow> Generate(int count, int seed)
    {
        var random = new Random(seed);
        for (int k = 0; k < count; k++)
        {
            var shape = (ActivityShape)(k % 4);
            yield return Create(shape, random, $"synthetic-{seed}-{k}");
        }
    }

    /// <summary>One window of the given shape.</summary>
    /// <param name="shape">The shape.</param>
    /// <param name="random">The random source.</param>
    /// <param name="run">The run name.</param>
    /// <returns>The window.</returns>
    public static Features.TraceWindow Create(ActivityShape shape, Random random, string run)
    {
        ArgumentNullException.ThrowIfNull(random);
        int length = random.Next(50, 1001);
        double slope = 0, sigma = Uniform(random, 0.02, 0.3), spikeRate = Uniform(random, 0, 0.02), phi = Uniform(random, 0, 0.8);
        switch (shape)
        {
            case ActivityShape.Uniform:
                slope = Uniform(random, -0.2, 0.2);
                break;
            case ActivityShape.Rising:
                slope = Uniform(random, 0.7, 3);
                break;
            case ActivityShape.Decaying:
                slope = -Uniform(random, 0.7, 3);
                break;
            default:
                slope = Uniform(random, -1, 1);
                if (random.Next(2) == 0)
                {
                    sigma = Uniform(random, 0.7, 1.5);
                }
                else
                {
                    spikeRate = Uniform(random, 0.15, 0.3);
                }

                break;
        }

        double level = Math.Exp(Uniform(random, Math.Log(0.05), Math.Log(20)));
        double gapRate = random.Next(4) == 0 ? Uniform(random, 0, 0.3) : 0;
        double nanRate = random.Next(6) == 0 ? Uniform(random, 0, 0.02) : 0;
        double startLoss = Uniform(random, 0.1, 3), lossTrend = Uniform(random, -0.8, 0.1);
        var activity = new List<float>(length);
        var loss = new List<float>(length);
        double ar = 0;
        long step0 = random.Next(12, 5000);
        long lastStep = step0;
        double innovation = sigma * Math.Sqrt(1 - (phi * phi));
        for (int t = 0; t < length; t++)
        {
            ar = (phi * ar) + (innovation * Normal(random));
            if (gapRate > 0 && random.NextDouble() < gapRate)
            {
                continue;
            }

            double spike = random.NextDouble() < spikeRate ? Math.Log(Uniform(random, 3, 30)) : 0;
            double value = Math.Exp(Math.Log(level) + (slope * t / (length - 1)) + ar + spike);
            activity.Add(random.NextDouble() < nanRate ? float.NaN : (float)value);
            loss.Add((float)(startLoss * Math.Exp(lossTrend * t / length) * (1 + (0.05 * Normal(random)))));
            lastStep = step0 + t;
        }

        return new Features.TraceWindow
        {
            Run = run,
            Layer = ActivityRecord.NetworkLayer,
            StartStep = step0,
            EndStep = Math.Max(step0, lastStep),
            Activity = [.. activity],
            Loss = [.. loss],
            LearningRate = [],
            ExcludedFraction = [],
            LayerLevels = [],
            StartActivityLevel = float.NaN,
            StartLossLevel = (float)startLoss,
            IsNetwork = random.Next(2) == 0,
            Label = ShapeNames.Of(shape),
        };
    }

    private static double Uniform(Random random, double low, double high) => low + ((high - low) * random.NextDouble());

    private static double Normal(Random random) => Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
}
