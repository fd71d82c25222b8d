namespace MLGradientInsight.ActivityClassifier.Actions;

/// <summary>What the advisor recommends (the action vocabulary of the issue; names in <see cref="ActionNames"/>).</summary>
public enum TrainingAction
{
    /// <summary>Nothing is wrong; keep training.</summary>
    Continue,

    /// <summary>The steps are too large (loss rising, chaotic activity, NaN/∞).</summary>
    LowerLearningRate,

    /// <summary>The steps are too small (loss stalled, activity decaying, learning rate collapsed).</summary>
    RaiseLearningRate,

    /// <summary>A layer learns far less than the others, or the network is too deep for its activations.</summary>
    CheckArchitecture,

    /// <summary>Units stopped learning from the start (activity pinned at 1.0: their gradients no longer change).</summary>
    CheckInitialization,

    /// <summary>The loss does not fall although training looks regular: labels or input scaling.</summary>
    CheckData,
}
