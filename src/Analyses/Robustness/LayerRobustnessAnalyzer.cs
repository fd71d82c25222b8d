using MLGradientInsight.Analyses.Evaluation;

namespace MLGradientInsight.Analyses.Robustness;

/// <summary>
/// Re-initialisation and re-randomisation robustness of each layer (Zhang, Bengio &amp; Singer 2019): with the model
/// trained (θ1), one layer at a time is reset — to θ0, or to a fresh draw from the initial distribution — and the
/// model is evaluated; a layer whose reset costs at least <see cref="RobustnessOptions.Threshold"/> is critical.
/// </summary>
/// <remarks>A layer's running statistics (BatchNorm) are reset with it. The model is left at θ1 when the analysis ends.</remarks>
public static class LayerRobustnessAnalyzer
{
    /// <summary>Says what <see cref="Run"/> will cost with these options.</summary>
    /// <param name="evaluator">The evaluator.</param>
    /// <param name="options">The options, or null for the defaults.</param>
    /// <returns>Evaluations × samples.</returns>
    public static AnalysisCost Plan(IModelEvaluator evaluator, RobustnessOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(evaluator);
        options ??= new RobustnessOptions();
        options.Validate();
        int layers = evaluator.Tensors.Where(t => t.Kind == StateTensorKind.Parameter).Select(t => t.Layer).Distinct().Count();
        long perLayer = options.Modes.Sum(m => m == LayerResetMode.Rerandomization ? options.Draws : 1);
        return new AnalysisCost(1 + (layers * perLayer), evaluator.EvaluationSampleCount);
    }

    /// <summary>Runs the analysis.</summary>
    /// <param name="evaluator">The model; its state is overwritten and left at <paramref name="trained"/>.</param>
    /// <param name="initial">θ0, the state the model started training from.</param>
    /// <param name="trained">θ1, the trained state.</param>
    /// <param name="options">The options, or null for the defaults.</param>
    /// <param name="progress">Receives the number of evaluations done, or null.</param>
    /// <param name="cancellationToken">Stops between evaluations.</param>
    /// <returns>The verdict per layer and mode.</returns>
    /// <exception cref="ArgumentException">A state lacks a tensor of the model or has another length; the options are invalid.</exception>
    /// <exception cref="NotSupportedException">Re-randomisation was asked for a layer whose initial distribution the evaluator does not know.</exception>
    /// <exception cref="OperationCanceledException">Cancelled.</exception>
    public static RobustnessResult Run(
        IModelEvaluator evaluator, ModelState initial, ModelState trained, RobustnessOptions? options = null,
        IProgress<long>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(evaluator);
        options ??= new RobustnessOptions();
        options.Validate();
        var pair = new StatePair(evaluator, initial, trained);
        var rows = new List<LayerRobustness>();
        long done = 0;
        try
        {
            pair.RestoreFinal();
            ModelEvaluation baseline = evaluator.Evaluate();
            done++;
            progress?.Report(done);
            foreach (string layer in pair.Layers)
            {
                int[] own = [.. pair.TensorsOf(layer)];
                if (!own.Any(i => pair.Tensors[i].Kind == StateTensorKind.Parameter))
                {
                    continue;
                }

                foreach (LayerResetMode mode in options.Modes)
                {
                    Random random = SeedStreams.Create(options.Seed, "rerandomize:" + layer);
                    int draws = mode == LayerResetMode.Rerandomization ? options.Draws : 1;
                    double lossSum = 0, accuracySum = 0;
                    for (int d = 0; d < draws; d++)
                    {
                        cancellationToken.ThrowIfCancellationRequested();
                        foreach (int i in own)
                        {
                            if (mode == LayerResetMode.Reinitialization)
                            {
                                evaluator.Write(pair.Tensors[i].Name, pair.Initial[i]);
                            }
                            else
                            {
                                float[] fresh = new float[pair.Tensors[i].Length];
                                evaluator.DrawInitial(pair.Tensors[i].Name, fresh, random);
                                evaluator.Write(pair.Tensors[i].Name, fresh);
                            }
                        }

                        ModelEvaluation e = evaluator.Evaluate();
                        lossSum += e.Loss;
                        accuracySum += e.Accuracy;
                        done++;
                        progress?.Report(done);
                    }

                    foreach (int i in own)
                    {
                        evaluator.Write(pair.Tensors[i].Name, pair.Final[i]);
                    }

                    rows.Add(Judge(layer, mode, lossSum / draws, accuracySum / draws, baseline, options.Threshold));
                }
            }

            return new RobustnessResult(baseline, rows, new AnalysisCost(done, evaluator.EvaluationSampleCount));
        }
        finally
        {
            pair.RestoreFinal();
        }
    }

    private static LayerRobustness Judge(string layer, LayerResetMode mode, double loss, double accuracy, ModelEvaluation trained, double threshold)
    {
        bool classification = !double.IsNaN(trained.Accuracy);
        double damage = classification
            ? trained.Accuracy - accuracy
            : (loss - trained.Loss) / Math.Max(trained.Loss, double.Epsilon);
        bool critical = !double.IsFinite(loss) || !(damage < threshold);
        return new LayerRobustness(
            layer, mode == LayerResetMode.Reinitialization ? "reinitialization" : "rerandomization", loss, accuracy, trained.Loss, trained.Accuracy,
            damage, threshold, critical ? "critical" : "robust");
    }
}
