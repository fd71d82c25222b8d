namespace MLGradientInsight.ActivityClassifier.Traces;

/// <summary>One layer's columns in a <see cref="RunTrace"/>, aligned with <see cref="RunTrace.Steps"/> (NaN where the layer has no row or the column is absent).</summary>
/// <param name="Name">The layer name.</param>
/// <param name="Activity">Activity per step.</param>
/// <param name="ExcludedFraction">Excluded fraction per step (NaN where missing).</param>
/// <param name="GradientNorm">‖g‖ of the layer's gradient per step (<c>grad_norm</c>; NaN where missing).</param>
/// <param name="WeightNorm">‖θ‖ of the layer's weights after the update per step (<c>weight_norm</c>; NaN where missing).</param>
/// <param name="UpdateNorm">‖Δθ‖ of the step's update per step (<c>update_norm</c>; NaN where missing).</param>
public sealed record LayerTrace(
    string Name,
    IReadOnlyList<double> Activity,
    IReadOnlyList<double> ExcludedFraction,
    IReadOnlyList<double> GradientNorm,
    IReadOnlyList<double> WeightNorm,
    IReadOnlyList<double> UpdateNorm)
{
    /// <summary>Gets whether any step has a finite gradient, weight or update norm.</summary>
    public bool HasNorms => GradientNorm.Any(double.IsFinite) || WeightNorm.Any(double.IsFinite) || UpdateNorm.Any(double.IsFinite);
}
