namespace MLGradientInsight.ActivityClassifier.Shapes;

/// <summary>The four readings of an activity graph in 000 §4.</summary>
public enum ActivityShape
{
    /// <summary>Uniform change (Fig. 1): no trend, moderate noise — training proceeds normally if the loss falls.</summary>
    Uniform,

    /// <summary>Chaotic change (Fig. 2): large irregular swings or frequent spikes.</summary>
    Chaotic,

    /// <summary>Rising activity (Fig. 3): possibly a local-minimum region.</summary>
    Rising,

    /// <summary>Decaying activity (Fig. 4): training is losing efficiency.</summary>
    Decaying,
}
