using System.Numerics.Tensors;

namespace MLGradientInsight.Analyses.Evaluation;

/// <summary>θ0 and θ1 aligned with an evaluator's tensors, and the writes every analysis needs (interpolate, reset, restore).</summary>
internal sealed class StatePair
{
    private readonly IModelEvaluator _evaluator;
    private readonly float[] _scratch;

    public StatePair(IModelEvaluator evaluator, ModelState theta0, ModelState theta1, string name0 = "θ0", string name1 = "θ1")
    {
        ArgumentNullException.ThrowIfNull(evaluator);
        ArgumentNullException.ThrowIfNull(theta0);
        ArgumentNullException.ThrowIfNull(theta1);
        theta0.CheckCompatible(evaluator, name0);
        theta1.CheckCompatible(evaluator, name1);
        _evaluator = evaluator;
        Tensors = evaluator.Tensors;
        Initial = [.. Tensors.Select(t => theta0[t.Name].ToArray())];
        Final = [.. Tensors.Select(t => theta1[t.Name].ToArray())];
        Layers = [.. Tensors.Select(t => t.Layer).Distinct()];
        _scratch = new float[Tensors.Count == 0 ? 0 : Tensors.Max(t => t.Length)];
    }

    public IReadOnlyList<StateTensorInfo> Tensors { get; }

    public float[][] Initial { get; }

    public float[][] Final { get; }

    public IReadOnlyList<string> Layers { get; }

    public IEnumerable<int> TensorsOf(string layer) => Enumerable.Range(0, Tensors.Count).Where(i => Tensors[i].Layer == layer);

    /// <summary>Writes θ1 into every tensor.</summary>
    public void RestoreFinal()
    {
        for (int i = 0; i < Tensors.Count; i++)
        {
            _evaluator.Write(Tensors[i].Name, Final[i]);
        }
    }

    /// <summary>Writes (1 − α)·θ0 + α·θ1 into tensor <paramref name="index"/>; exact at α = 0 and α = 1. A running variance is clamped at 0 (extrapolation).</summary>
    public void WriteInterpolated(int index, double alpha)
    {
        Span<float> destination = _scratch.AsSpan(0, Tensors[index].Length);
        TensorPrimitives.Multiply(Initial[index], (float)(1 - alpha), destination);
        TensorPrimitives.MultiplyAdd(Final[index], (float)alpha, destination, destination);
        if (IsVariance(Tensors[index]))
        {
            TensorPrimitives.Max(destination, 0f, destination);
        }

        _evaluator.Write(Tensors[index].Name, destination);
    }

    /// <summary>Writes θ1 with one scalar moved to (1 − α)·θ0ᵢ + α·θ1ᵢ.</summary>
    public void WriteScalarInterpolated(int index, int element, double alpha)
    {
        Span<float> destination = _scratch.AsSpan(0, Tensors[index].Length);
        Final[index].CopyTo(destination);
        destination[element] = (float)(((1 - alpha) * Initial[index][element]) + (alpha * Final[index][element]));
        _evaluator.Write(Tensors[index].Name, destination);
    }

    private static bool IsVariance(StateTensorInfo t) =>
        t.Kind == StateTensorKind.RunningStatistic && t.Name.EndsWith("running_var", StringComparison.Ordinal);
}
