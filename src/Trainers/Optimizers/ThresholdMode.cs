namespace MLGradientInsight.Trainers.Optimizers;

/// <summary>How <see cref="ReduceLrOnPlateau"/> decides that a metric improved on the best so far.</summary>
public enum ThresholdMode
{
    /// <summary>Relative: better than best·(1 − threshold) (Min) or best·(1 + threshold) (Max).</summary>
    Relative,

    /// <summary>Absolute: better than best − threshold (Min) or best + threshold (Max).</summary>
    Absolute,
}
