namespace MLGradientInsight.Transforms.Activity;

/// <summary>
/// A read-only, allocation-free view of a tracker's last completed step; valid until the tracker's next
/// <see cref="GradientActivityTracker.EndStep"/>.
/// </summary>
public readonly struct ActivityStepView
{
    private readonly GradientActivityTracker _tracker;

    internal ActivityStepView(GradientActivityTracker tracker) => _tracker = tracker;

    /// <summary>Gets the step number given to <see cref="GradientActivityTracker.BeginStep"/>.</summary>
    public long Step => _tracker.StepNumber;

    /// <summary>Gets the epoch given to <see cref="GradientActivityTracker.BeginStep"/>.</summary>
    public int Epoch => _tracker.EpochNumber;

    /// <summary>Gets the loss given to <see cref="GradientActivityTracker.BeginStep"/>.</summary>
    public double Loss => _tracker.LossValue;

    /// <summary>Gets whether the step produced activity (false during warm-up).</summary>
    public bool HasActivity => _tracker.HasActivity;

    /// <summary>Gets the whole-network result: mean dI over all included values of the network.</summary>
    public LayerActivity Network => _tracker.NetworkActivity;

    /// <summary>Gets the number of tracked layers.</summary>
    public int LayerCount => _tracker.LayerCount;

    /// <summary>Gets the result of one tracked layer.</summary>
    /// <param name="layer">The layer index, in model order.</param>
    /// <returns>The layer's result.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="layer"/> is not a layer index.</exception>
    public LayerActivity Layer(int layer) => _tracker.LayerResult(layer);

    /// <summary>Gets the per-unit activities of one layer (empty unless <see cref="ActivityDetail.Unit"/>; NaN for a unit with no included value).</summary>
    /// <param name="layer">The layer index.</param>
    /// <returns>One value per unit.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="layer"/> is not a layer index.</exception>
    public ReadOnlySpan<double> UnitActivities(int layer) => _tracker.UnitActivities(layer);
}
