using Microsoft.ML.Data;

namespace MLGradientInsight.ActivityClassifier.Features;

/// <summary>
/// One window of one series (the network or a layer) of a run: the input row of the window featurizer
/// (<see cref="WindowFeaturizerFactory"/>). Build them with <see cref="TraceWindower"/>; settable properties because
/// ML.NET reads and writes rows by reflection.
/// </summary>
public sealed class TraceWindow
{
    /// <summary>Gets or sets the run name.</summary>
    public string Run { get; set; } = "";

    /// <summary>Gets or sets the layer name, or <c>network</c>.</summary>
    public string Layer { get; set; } = "";

    /// <summary>Gets or sets the first step of the window.</summary>
    public long StartStep { get; set; }

    /// <summary>Gets or sets the last step of the window.</summary>
    public long EndStep { get; set; }

    /// <summary>Gets or sets the activity of the recorded steps in the window, in step order (NaN/±∞ kept).</summary>
    [VectorType]
    public float[] Activity { get; set; } = [];

    /// <summary>Gets or sets the batch loss of the same steps (NaN where missing).</summary>
    [VectorType]
    public float[] Loss { get; set; } = [];

    /// <summary>Gets or sets the learning rate of the same steps (NaN where missing).</summary>
    [VectorType]
    public float[] LearningRate { get; set; } = [];

    /// <summary>Gets or sets the excluded fraction of the same steps (NaN where missing).</summary>
    [VectorType]
    public float[] ExcludedFraction { get; set; } = [];

    /// <summary>Gets or sets the layer's gradient norm ‖g‖ of the same steps (empty for the network series; NaN where missing).</summary>
    [VectorType]
    public float[] GradientNorm { get; set; } = [];

    /// <summary>Gets or sets the layer's weight norm ‖θ‖ after the update, same steps (empty for the network series; NaN where missing).</summary>
    [VectorType]
    public float[] WeightNorm { get; set; } = [];

    /// <summary>Gets or sets the layer's update norm ‖Δθ‖, same steps (empty for the network series; NaN where missing).</summary>
    [VectorType]
    public float[] UpdateNorm { get; set; } = [];

    /// <summary>Gets or sets the median gradient norm of this layer in the run's first window (NaN when unknown).</summary>
    public float StartGradientNorm { get; set; } = float.NaN;

    /// <summary>Gets or sets the median weight norm of this layer in the run's first window (NaN when unknown).</summary>
    public float StartWeightNorm { get; set; } = float.NaN;

    /// <summary>Gets or sets the median update-to-weight ratio ‖Δθ‖/‖θ‖ of this layer in the run's first window (NaN when unknown).</summary>
    public float StartUpdateRatio { get; set; } = float.NaN;

    /// <summary>Gets or sets the median activity of every layer of the run over the same steps (empty without layer rows).</summary>
    [VectorType]
    public float[] LayerLevels { get; set; } = [];

    /// <summary>Gets or sets the median activity of this series in the run's first window (NaN when unknown).</summary>
    public float StartActivityLevel { get; set; } = float.NaN;

    /// <summary>Gets or sets the median loss in the run's first window (NaN when unknown).</summary>
    public float StartLossLevel { get; set; } = float.NaN;

    /// <summary>Gets or sets whether this is the whole-network series.</summary>
    public bool IsNetwork { get; set; }

    /// <summary>Gets or sets the label for training (a shape name); empty when scoring.</summary>
    public string Label { get; set; } = "";
}
