namespace MLGradientInsight.ActivityClassifier.Diagnosis;

/// <summary>The shape of one window of one series.</summary>
/// <param name="Layer">The layer name, or <c>network</c>.</param>
/// <param name="StartStep">The window's first step.</param>
/// <param name="EndStep">The window's last step.</param>
/// <param name="Shape">The most probable shape (<c>uniform | chaotic | rising | decaying</c>).</param>
/// <param name="Probabilities">The probability of every shape, by name.</param>
public sealed record WindowShape(string Layer, long StartStep, long EndStep, string Shape, IReadOnlyDictionary<string, double> Probabilities);
