using MLGradientInsight.Analyses.Evaluation;

namespace MLGradientInsight.Analyses.LinearPath;

/// <summary>Distance travelled between two states (002 §3): per model, layer, tensor and sampled scalar; trained parameters only.</summary>
public static class ParameterDistances
{
    /// <summary>Measures ‖θ1 − θ0‖ and ‖θ0‖ for the model, every layer and every parameter tensor (running statistics are not parameters and are left out).</summary>
    /// <param name="evaluator">Gives the tensor names and layers.</param>
    /// <param name="theta0">The start state.</param>
    /// <param name="theta1">The end state.</param>
    /// <returns>The distances: the model first, then each layer followed by its tensors.</returns>
    /// <exception cref="ArgumentException">A state lacks a tensor of the model or has another length.</exception>
    public static IReadOnlyList<ParameterDistance> Measure(IModelEvaluator evaluator, ModelState theta0, ModelState theta1) =>
        Measure(new StatePair(evaluator, theta0, theta1), []);

    internal static IReadOnlyList<ParameterDistance> Measure(StatePair pair, IEnumerable<(string Name, int Tensor, int Element)> scalars)
    {
        var result = new List<ParameterDistance>();
        var perTensor = new (double Squared, double InitialSquared)[pair.Tensors.Count];
        for (int i = 0; i < pair.Tensors.Count; i++)
        {
            double d = 0, n = 0;
            float[] a = pair.Initial[i], b = pair.Final[i];
            for (int j = 0; j < a.Length; j++)
            {
                double diff = (double)b[j] - a[j];
                d += diff * diff;
                n += (double)a[j] * a[j];
            }

            perTensor[i] = (d, n);
        }

        int[] parameters = [.. Enumerable.Range(0, pair.Tensors.Count).Where(i => pair.Tensors[i].Kind == StateTensorKind.Parameter)];
        result.Add(Make("model", "model", "model", parameters, pair, perTensor));
        foreach (string layer in pair.Layers)
        {
            int[] own = [.. parameters.Where(i => pair.Tensors[i].Layer == layer)];
            if (own.Length == 0)
            {
                continue;
            }

            result.Add(Make("layer", layer, layer, own, pair, perTensor));
            foreach (int i in own)
            {
                result.Add(Make("tensor", pair.Tensors[i].Name, layer, [i], pair, perTensor));
            }
        }

        foreach ((string name, int tensor, int element) in scalars)
        {
            double a = pair.Initial[tensor][element];
            double distance = Math.Abs(pair.Final[tensor][element] - a);
            result.Add(new ParameterDistance("parameter", name, pair.Tensors[tensor].Layer, 1, distance, Math.Abs(a), Relative(distance, Math.Abs(a))));
        }

        return result;
    }

    private static ParameterDistance Make(string scope, string target, string layer, int[] tensors, StatePair pair, (double Squared, double InitialSquared)[] perTensor)
    {
        double distance = Math.Sqrt(tensors.Sum(i => perTensor[i].Squared));
        double norm = Math.Sqrt(tensors.Sum(i => perTensor[i].InitialSquared));
        return new ParameterDistance(scope, target, layer, tensors.Sum(i => pair.Tensors[i].Length), distance, norm, Relative(distance, norm));
    }

    private static double Relative(double distance, double norm) => norm > 0 ? distance / norm : distance > 0 ? double.PositiveInfinity : 0;
}
