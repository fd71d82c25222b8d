namespace MLGradientInsight.Analyses.Evaluation;

/// <summary>One named state tensor of a model.</summary>
/// <param name="Name">PyTorch's state name, e.g. <c>conv1.weight</c> or <c>bn1.running_var</c>.</param>
/// <param name="Layer">The layer the tensor belongs to, e.g. <c>conv1</c>.</param>
/// <param name="Length">The number of values.</param>
/// <param name="Kind">Whether it is a trained parameter or a running statistic.</param>
public sealed record StateTensorInfo(string Name, string Layer, int Length, StateTensorKind Kind);
