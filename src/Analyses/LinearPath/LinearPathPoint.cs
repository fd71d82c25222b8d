namespace MLGradientInsight.Analyses.LinearPath;

/// <summary>One evaluated point of a linear path θα = (1 − α)·θ0 + α·θ1 (002 eq. 2).</summary>
/// <param name="Scope">What moved: <c>model</c>, <c>layer</c> or <c>parameter</c>.</param>
/// <param name="Target">Which: <c>model</c>, a layer name (<c>fc1</c>) or one scalar (<c>fc1.weight[1234]</c>).</param>
/// <param name="Layer">The layer of the target (<c>model</c> for the whole model).</param>
/// <param name="Alpha">The interpolation coefficient α.</param>
/// <param name="Loss">The mean loss on the evaluation set.</param>
/// <param name="Accuracy">The accuracy on the evaluation set, NaN for regression.</param>
public sealed record LinearPathPoint(string Scope, string Target, string Layer, double Alpha, double Loss, double Accuracy);
