using MLGradientInsight.Trainers;
using MLGradientInsight.Trainers.Data;

namespace MLGradientInsight.Analyses.GradientSpace;

/// <summary>
/// Checks that an importance ranking means something: prunes the least important weights of every weight tensor (the same fraction
/// in each layer) and compares the accuracy with random pruning of the same size.
/// </summary>
/// <remarks>The model's weights are restored after every evaluation; it is left in evaluation mode.</remarks>
public static class PruningCheck
{
    /// <summary>The name of the |w| reference ranking in <see cref="PruningResult.Criterion"/>.</summary>
    public const string Magnitude = "Magnitude";

    /// <summary>Runs the check for every gradient criterion and the |w| reference.</summary>
    /// <param name="model">The model the importance was computed on.</param>
    /// <param name="importance">Its edge importance.</param>
    /// <param name="test">Labelled samples to measure accuracy on.</param>
    /// <param name="sparsities">Fractions in [0, 1) of each weight tensor to prune.</param>
    /// <param name="seed">The seed of the random pruning.</param>
    /// <param name="randomRepeats">How many random prunings are averaged per sparsity.</param>
    /// <returns>One row per criterion and sparsity.</returns>
    /// <exception cref="ArgumentException">The importance was computed on another model, or a sparsity is outside [0, 1).</exception>
    public static IReadOnlyList<PruningResult> Run(Sequential model, GradientImportanceResult importance, Dataset test, IReadOnlyList<double> sparsities, int seed = 1, int randomRepeats = 3)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(importance);
        ArgumentNullException.ThrowIfNull(test);
        ArgumentNullException.ThrowIfNull(sparsities);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(randomRepeats);
        foreach (double s in sparsities)
        {
            if (!(s >= 0 && s < 1))
            {
                throw new ArgumentException($"Sparsity {s} is outside [0, 1); give fractions such as 0.5, 0.9.", nameof(sparsities));
            }
        }

        var weights = importance.Parameters.Where(p => p.IsWeight).Select(p => (Info: p, Parameter: Lookup(model, p))).ToArray();
        float[][] saved = [.. weights.Select(w => w.Parameter.Weights.ToArray())];
        double unpruned = ModelAccuracy.Evaluate(model, test);
        var rankings = new List<(string Name, Func<ParameterImportance, float[]> Score)>();
        foreach (ImportanceCriterion c in Enum.GetValues<ImportanceCriterion>())
        {
            rankings.Add((c.ToString(), p => p.Values(c)));
        }

        rankings.Add((Magnitude, p => [.. p.Weights.Select(Math.Abs)]));
        var results = new List<PruningResult>();
        var random = new Random(seed);
        foreach (double sparsity in sparsities)
        {
            int pruned = weights.Sum(w => Count(w.Info.Length, sparsity));
            double randomSum = 0;
            for (int r = 0; r < randomRepeats; r++)
            {
                for (int t = 0; t < weights.Length; t++)
                {
                    int[] order = [.. Enumerable.Range(0, weights[t].Info.Length)];
                    random.Shuffle(order);
                    Zero(weights[t].Parameter, order, Count(order.Length, sparsity));
                }

                randomSum += ModelAccuracy.Evaluate(model, test);
                Restore(weights.Select(w => w.Parameter), saved);
            }

            foreach ((string name, Func<ParameterImportance, float[]> score) in rankings)
            {
                for (int t = 0; t < weights.Length; t++)
                {
                    float[] values = score(weights[t].Info);
                    int[] order = [.. Enumerable.Range(0, values.Length)];

                    // Least important first; ties by index, so the result is deterministic.
                    Array.Sort(order, (a, b) => values[a].CompareTo(values[b]) is int c && c != 0 ? c : a.CompareTo(b));
                    Zero(weights[t].Parameter, order, Count(order.Length, sparsity));
                }

                double accuracy = ModelAccuracy.Evaluate(model, test);
                Restore(weights.Select(w => w.Parameter), saved);
                results.Add(new PruningResult(name, sparsity, pruned, accuracy, randomSum / randomRepeats, unpruned));
            }
        }

        return results;
    }

    private static int Count(int length, double sparsity) => (int)Math.Round(length * sparsity);

    private static void Zero(Parameter parameter, int[] order, int count)
    {
        Span<float> w = parameter.Weights;
        for (int i = 0; i < count; i++)
        {
            w[order[i]] = 0f;
        }
    }

    private static void Restore(IEnumerable<Parameter> parameters, float[][] saved)
    {
        int i = 0;
        foreach (Parameter p in parameters)
        {
            saved[i++].CopyTo(p.Weights);
        }
    }

    private static Parameter Lookup(Sequential model, ParameterImportance info)
    {
        Parameter p = model.GetParameter(info.Name);
        if (p.Length != info.Length)
        {
            throw new ArgumentException($"The importance of {info.Name} has {info.Length} values but the model's parameter has {p.Length}; compute the importance on this model.", nameof(model));
        }

        return p;
    }
}
