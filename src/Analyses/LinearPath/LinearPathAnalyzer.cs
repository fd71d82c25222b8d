using MLGradientInsight.Analyses.Evaluation;

namespace MLGradientInsight.Analyses.LinearPath;

/// <summary>
/// Evaluates the loss and accuracy along the straight line between two states, θα = (1 − α)·θ0 + α·θ1
/// (002 §3 eq. 2; Goodfellow &amp; Vinyals 2015), for the whole model, one layer at a time, or one sampled parameter at a time,
/// and measures how far each layer, tensor and sampled parameter travelled.
/// </summary>
/// <remarks>
/// <para>BatchNorm running statistics are <b>interpolated</b> together with their layer's parameters (not recomputed
/// from data): in the layer and model scopes a layer's <c>running_mean</c> and <c>running_var</c> move with its
/// weights; a variance pushed below 0 by extrapolation (α outside [0, 1]) is clamped to 0. In the parameter scope only
/// trained scalars are sampled, running statistics stay at θ1.</para>
/// <para>The model is left at θ1 when the analysis ends, also when it fails or is cancelled.</para>
/// </remarks>
public static class LinearPathAnalyzer
{
    /// <summary>Says what <see cref="Run"/> will cost with these options, before running it.</summary>
    /// <param name="evaluator">The evaluator.</param>
    /// <param name="options">The options, or null for the defaults.</param>
    /// <returns>Evaluations × samples.</returns>
    public static AnalysisCost Plan(IModelEvaluator evaluator, LinearPathOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(evaluator);
        options ??= new LinearPathOptions();
        options.Validate();
        return new AnalysisCost((long)Targets(evaluator, options).Count * options.Alphas.Count, evaluator.EvaluationSampleCount);
    }

    /// <summary>Evaluates the path.</summary>
    /// <param name="evaluator">The model to evaluate; its state is overwritten and left at <paramref name="theta1"/>.</param>
    /// <param name="theta0">The start state (usually the initial checkpoint).</param>
    /// <param name="theta1">The end state (usually the trained checkpoint).</param>
    /// <param name="options">The options, or null for the defaults.</param>
    /// <param name="progress">Receives the number of evaluations done so far, or null.</param>
    /// <param name="cancellationToken">Stops between evaluations.</param>
    /// <returns>The points and distances.</returns>
    /// <exception cref="ArgumentException">A state lacks a tensor of the model or has another length; the options are invalid.</exception>
    /// <exception cref="OperationCanceledException">Cancelled.</exception>
    public static LinearPathResult Run(
        IModelEvaluator evaluator, ModelState theta0, ModelState theta1, LinearPathOptions? options = null,
        IProgress<long>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(evaluator);
        options ??= new LinearPathOptions();
        options.Validate();
        var pair = new StatePair(evaluator, theta0, theta1);
        IReadOnlyList<Target> targets = Targets(evaluator, options);
        var points = new List<LinearPathPoint>(targets.Count * options.Alphas.Count);
        long done = 0;
        try
        {
            foreach (Target target in targets)
            {
                pair.RestoreFinal();
                foreach (double alpha in options.Alphas)
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    if (target.Element >= 0)
                    {
                        pair.WriteScalarInterpolated(target.Tensors[0], target.Element, alpha);
                    }
                    else
                    {
                        foreach (int i in target.Tensors)
                        {
                            pair.WriteInterpolated(i, alpha);
                        }
                    }

                    ModelEvaluation e = evaluator.Evaluate();
                    points.Add(new LinearPathPoint(target.Scope, target.Name, target.Layer, alpha, e.Loss, e.Accuracy));
                    done++;
                    progress?.Report(done);
                }
            }
        }
        finally
        {
            pair.RestoreFinal();
        }

        IEnumerable<(string Name, int Tensor, int Element)> sampled = targets.Where(t => t.Element >= 0).Select(t => (t.Name, t.Tensors[0], t.Element));
        return new LinearPathResult(points, ParameterDistances.Measure(pair, sampled), new AnalysisCost(done, evaluator.EvaluationSampleCount));
    }

    private static List<Target> Targets(IModelEvaluator evaluator, LinearPathOptions options)
    {
        IReadOnlyList<StateTensorInfo> tensors = evaluator.Tensors;
        var targets = new List<Target>();
        switch (options.Scope)
        {
            case LinearPathScope.Model:
                targets.Add(new Target("model", "model", "model", [.. Enumerable.Range(0, tensors.Count)], -1));
                break;
            case LinearPathScope.Layer:
                foreach (string layer in tensors.Select(t => t.Layer).Distinct())
                {
                    targets.Add(new Target("layer", layer, layer, [.. Enumerable.Range(0, tensors.Count).Where(i => tensors[i].Layer == layer)], -1));
                }

                break;
            case LinearPathScope.Parameter:
                var random = SeedStreams.Create(options.Seed, "parameter-sample");
                foreach (string layer in tensors.Select(t => t.Layer).Distinct())
                {
                    int[] indices = [.. Enumerable.Range(0, tensors.Count).Where(i => tensors[i].Layer == layer && tensors[i].Kind == StateTensorKind.Parameter)];
                    long total = indices.Sum(i => (long)tensors[i].Length);
                    if (total == 0)
                    {
                        continue;
                    }

                    // A seeded sample without replacement over the layer's scalars (all of them when the layer is smaller).
                    foreach (long flat in SampleWithoutReplacement(total, Math.Min(options.ParametersPerLayer, total), random))
                    {
                        long offset = flat;
                        int k = 0;
                        while (offset >= tensors[indices[k]].Length)
                        {
                            offset -= tensors[indices[k]].Length;
                            k++;
                        }

                        string name = FormattableString.Invariant($"{tensors[indices[k]].Name}[{offset}]");
                        targets.Add(new Target("parameter", name, layer, [indices[k]], (int)offset));
                    }
                }

                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(options), options.Scope, "Unknown scope.");
        }

        return targets;
    }

    private static long[] SampleWithoutReplacement(long total, long count, Random random)
    {
        var chosen = new HashSet<long>();
        while (chosen.Count < count)
        {
            chosen.Add(random.NextInt64(total));
        }

        long[] sorted = [.. chosen];
        Array.Sort(sorted);
        return sorted;
    }

    private sealed record Target(string Scope, string Name, string Layer, int[] Tensors, int Element);
}
