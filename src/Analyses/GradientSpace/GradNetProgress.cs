namespace MLGradientInsight.Analyses.GradientSpace;

/// <summary>Where <see cref="GradNet.Run"/> is: a stage and how far it has got.</summary>
/// <param name="Stage">One of <c>selecting</c>, <c>train features</c>, <c>test features</c>, <c>training</c>.</param>
/// <param name="Done">Units done (samples, or epochs for <c>training</c>).</param>
/// <param name="Total">Units in the stage.</param>
public sealed record GradNetProgress(string Stage, int Done, int Total);
