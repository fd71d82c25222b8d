using MLGradientInsight.Trainers;
using MLGradientInsight.Trainers.Data;

namespace MLGradientInsight.Analyses.GradientSpace;

/// <summary>
/// Edge importance from per-sample gradients over a dataset (003, "find important edges"): for every parameter element the mean
/// |g|, RMS g, SNIP's |ḡ·w| and the diagonal Fisher, from the gradients of each sample's own cross-entropy loss.
/// </summary>
/// <remarks>
/// Linear layers use the closed form of <see cref="PerSampleGradientPass"/> (three GEMMs per batch, no batch × parameters matrix);
/// Conv2d and other layers with parameters use its batch-of-one fallback. The model must output logits (N, C) of a classifier; it is
/// left in evaluation mode with zero gradients and unchanged weights.
/// </remarks>
public static class GradientImportance
{
    /// <summary>Computes edge importance over the first samples of a dataset.</summary>
    /// <param name="model">The classifier (outputs logits).</param>
    /// <param name="data">Labelled samples.</param>
    /// <param name="options">Settings, or null for the defaults.</param>
    /// <param name="progress">Receives the number of samples done after each batch.</param>
    /// <returns>The importance of every edge.</returns>
    /// <exception cref="ArgumentException">The dataset has no class labels, or the model does not output (N, C) logits.</exception>
    /// <exception cref="InvalidOperationException">A gradient is NaN or infinite (the message names the parameter and element).</exception>
    public static GradientImportanceResult Compute(Sequential model, Dataset data, GradientImportanceOptions? options = null, IProgress<int>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(data);
        options ??= new GradientImportanceOptions();
        options.Validate();
        if (data.ClassCount == 0)
        {
            throw new ArgumentException($"Dataset '{data.Name}' has regression targets; gradient importance needs class labels.", nameof(data));
        }

        IReadOnlyList<Parameter> parameters = model.Parameters;
        int count = Math.Min(data.Count, options.MaxSamples ?? int.MaxValue);
        double[][] sum = [.. parameters.Select(p => new double[p.Length])];
        double[][] sumAbs = [.. parameters.Select(p => new double[p.Length])];
        double[][] sumSquares = [.. parameters.Select(p => new double[p.Length])];
        var pass = new PerSampleGradientPass(model);
        var features = new Tensor(1);
        var targets = new Tensor(1);
        var outputGradient = new Tensor(1);
        int[] indices = new int[options.BatchSize];
        for (int start = 0; start < count; start += options.BatchSize)
        {
            int size = Math.Min(options.BatchSize, count - start);
            for (int i = 0; i < size; i++)
            {
                indices[i] = start + i;
            }

            data.CopyBatch(indices.AsSpan(0, size), features, targets);
            Tensor logits = pass.Forward(features);
            float[] labels = targets.Span.ToArray();
            SampleLoss.Gradient(logits, n => (int)labels[n], outputGradient);
            pass.Backward(outputGradient);
            pass.AccumulateSums(sum, sumAbs, sumSquares);
            progress?.Report(start + size);
        }

        var entries = new ParameterImportance[parameters.Count];
        for (int p = 0; p < parameters.Count; p++)
        {
            Parameter parameter = parameters[p];
            int length = parameter.Length;
            float[] meanAbs = new float[length], rms = new float[length], snip = new float[length], fisher = new float[length];
            ReadOnlySpan<float> w = parameter.Weights;
            for (int e = 0; e < length; e++)
            {
                double mean = sum[p][e] / count, meanSquare = sumSquares[p][e] / count;
                if (!double.IsFinite(mean) || !double.IsFinite(meanSquare))
                {
                    throw new InvalidOperationException(
                        $"The gradient of {parameter.Name}[{e}] over '{data.Name}' is not finite (mean {mean}, mean square {meanSquare}). Check the checkpoint's weights and the input data for NaN/Inf.");
                }

                meanAbs[e] = (float)(sumAbs[p][e] / count);
                fisher[e] = (float)meanSquare;
                rms[e] = (float)Math.Sqrt(meanSquare);
                snip[e] = (float)Math.Abs(mean * w[e]);
            }

            entries[p] = new ParameterImportance(parameter.Name, parameter.Shape.ToArray(), w.ToArray(), meanAbs, rms, snip, fisher);
        }

        return new GradientImportanceResult(count, entries);
    }
}
