using MLGradientInsight.ActivityClassifier.Features;
using MLGradientInsight.ActivityClassifier.Shapes;
using MLGradientInsight.ActivityClassifier.Traces;

namespace MLGradientInsight.ActivityClassifier.Actions;

/// <summary>What the advisor knows about a run at its last recorded step: windows, their features and shapes.</summary>
internal sealed class RunSnapshot
{
    private RunSnapshot(SeriesState network, SeriesState whole, SeriesState[] layers)
    {
        Network = network;
        Whole = whole;
        Layers = layers;
        ActionFeatures = ActionFeatureVector.Compute(this);
    }

    /// <summary>Gets the network's last window.</summary>
    public SeriesState Network { get; }

    /// <summary>Gets the network over the whole run so far.</summary>
    public SeriesState Whole { get; }

    /// <summary>Gets each layer's last window.</summary>
    public SeriesState[] Layers { get; }

    public float[] ActionFeatures { get; }

    public long EndStep => Network.Window.EndStep;

    /// <summary>The snapshot of a trace (or prefix), or null before the first finite network activity.</summary>
    public static RunSnapshot? Create(RunTrace trace, ShapeModel shapes)
    {
        IReadOnlyList<TraceWindow> last = TraceWindower.LastWindows(trace);
        TraceWindow? whole = TraceWindower.WholeRun(trace);
        return last.Count == 0 || whole is null ? null : FromWindows(last, whole, shapes);
    }

    /// <summary>The snapshot of windows cut elsewhere (the live advisor's bounded history): the last window of each series, network first, and the whole-run window.</summary>
    public static RunSnapshot FromWindows(IReadOnlyList<TraceWindow> last, TraceWindow whole, ShapeModel shapes) =>
        new(SeriesState.Create(last[0], shapes), SeriesState.Create(whole, shapes), [.. last.Skip(1).Select(w => SeriesState.Create(w, shapes))]);

    /// <summary>One window, its features and its shape probabilities.</summary>
    internal sealed record SeriesState(TraceWindow Window, float[] Features, float[] Shape)
    {
        public int FiniteCount { get; } = Window.Activity.Count(float.IsFinite);

        public float this[string feature] => Features[WindowFeatures.IndexOf(feature)];

        public float P(ActivityShape shape) => Shape[(int)shape];

        public ActivityShape TopShape => (ActivityShape)Array.IndexOf(Shape, Shape.Max());

        public static SeriesState Create(TraceWindow window, ShapeModel shapes)
        {
            float[] features = new float[WindowFeatures.Count];
            WindowFeatures.Compute(window, features);
            return new SeriesState(window, features, shapes.Predict(window));
        }
    }
}
