using MLGradientInsight.ActivityClassifier.Features;

namespace MLGradientInsight.ActivityClassifier.Shapes;

/// <summary>
/// The documented, objective labelling procedure for real windows (docs/classifier.md, "Shape labels"): from the window
/// features slope (Theil–Sen log-change over the window), dispersion (1.4826·MAD of log-activity around the block
/// medians) and spike rate (values above 3× their block median):
/// chaotic if dispersion &gt; 0.5 or spike rate &gt; 0.1; else rising if slope &gt; ln 1.5; else decaying if slope &lt; −ln 1.5;
/// else uniform. Windows with fewer than 16 finite values are not labelled.
/// </summary>
public static class ShapeLabeler
{
    /// <summary>Dispersion above which a window is chaotic.</summary>
    public const double ChaoticDispersion = 0.5;

    /// <summary>Spike rate above which a window is chaotic.</summary>
    public const double ChaoticSpikeRate = 0.1;

    /// <summary>Log-change over the window beyond which it is rising / decaying (×1.5).</summary>
    public static readonly double TrendThreshold = Math.Log(1.5);

    /// <summary>Labels a window from its features.</summary>
    /// <param name="features">The window's features (<see cref="WindowFeatures"/> order).</param>
    /// <param name="finiteCount">The number of finite activity values in the window.</param>
    /// <returns>The shape, or null when the window is too short to label.</returns>
    public static ActivityShape? Label(ReadOnlySpan<float> features, int finiteCount)
    {
        if (finiteCount < 2 * WindowFeatures.Blocks)
        {
            return null;
        }

        double slope = features[WindowFeatures.IndexOf("slope")];
        double dispersion = features[WindowFeatures.IndexOf("dispersion")];
        double spikes = features[WindowFeatures.IndexOf("spike_rate")];
        return dispersion > ChaoticDispersion || spikes > ChaoticSpikeRate ? ActivityShape.Chaotic
            : slope > TrendThreshold ? ActivityShape.Rising
            : slope < -TrendThreshold ? ActivityShape.Decaying
            : ActivityShape.Uniform;
    }

    /// <summary>Labels a window.</summary>
    /// <param name="window">The window.</param>
    /// <returns>The shape, or null when the window is too short to label.</returns>
    public static ActivityShape? Label(TraceWindow window)
    {
        ArgumentNullException.ThrowIfNull(window);
        float[] features = new float[WindowFeatures.Count];
        WindowFeatures.Compute(window, features);
        return Label(features, window.Activity.Count(float.IsFinite));
    }
}
