namespace MLGradientInsight.Transforms.Activity;

/// <summary>The result of one step for one layer or the whole network; a plain value, no allocation.</summary>
/// <param name="Name">The layer name, or <see cref="ActivityRecord.NetworkLayer"/>.</param>
/// <param name="Activity">Mean dI over included elements (NaN when none is included or during warm-up).</param>
/// <param name="MeanChange">Mean M over included elements before this step's update of M.</param>
/// <param name="ExcludedFraction">Fraction of tracked values excluded at this step (thresholds and non-finite values).</param>
/// <param name="NonFiniteCount">Number of non-finite gradient values at this step.</param>
/// <param name="GradientNorm">L2 norm of the finite gradient values.</param>
/// <param name="WeightNorm">L2 norm of the weights after the update (NaN unless given by <see cref="GradientActivityTracker.SetWeightsAfterUpdate"/> or <see cref="GradientActivityTracker.SetLayerStatistics"/>).</param>
/// <param name="UpdateNorm">L2 norm of the update (NaN unless set).</param>
/// <param name="LearningRate">The learning rate (NaN unless given).</param>
/// <param name="Count">Number of tracked values (elements, units or tensors, depending on the grouping).</param>
public readonly record struct LayerActivity(
    string Name,
    double Activity,
    double MeanChange,
    double ExcludedFraction,
    int NonFiniteCount,
    double GradientNorm,
    double WeightNorm,
    double UpdateNorm,
    double LearningRate,
    int Count);
