using MLGradientInsight.Trainers;
using MLGradientInsight.Trainers.Data;
using Tensor = MLGradientInsight.Trainers.Tensor;

namespace MLGradientInsight.Analyses.GradientSpace;

/// <summary>
/// GradNet's input (003, "Research" and Fig. 5): for a sample x and each candidate class c, the per-sample gradient of
/// −log softmax(f(x))_c with respect to a top-percentile selection of the base network's parameters, min–max scaled to [−1, 1]
/// (bounds from the training features) and passed through the signed power sign(v)·|v|^α.
/// </summary>
/// <remarks>Layout: row (n·C + c) of a feature matrix holds sample n's features for class c, parameter after parameter in the model's order,
/// so the features of one base layer are contiguous (<see cref="LayerRanges"/>).</remarks>
internal sealed class GradNetFeatures
{
    private readonly int[][] _selection;
    private float[]? _min;
    private float[]? _max;

    private GradNetFeatures(int[][] selection, (int Start, int Length)[] layerRanges, int classes, double power)
    {
        _selection = selection;
        LayerRanges = layerRanges;
        Classes = classes;
        Power = power;
        Count = selection.Sum(s => s.Length);
    }

    /// <summary>Gets the features per (sample, class).</summary>
    public int Count { get; }

    /// <summary>Gets the number of classes.</summary>
    public int Classes { get; }

    /// <summary>Gets the signed-power exponent.</summary>
    public double Power { get; }

    /// <summary>Gets each base layer's slice of a feature row, in forward order.</summary>
    public (int Start, int Length)[] LayerRanges { get; }

    /// <summary>Gets the selected flat indices per parameter (model order).</summary>
    public IReadOnlyList<int[]> Selection => _selection;

    /// <summary>Keeps, in each parameter tensor, the entries whose importance is above the percentile (at least one).</summary>
    public static GradNetFeatures Select(Sequential model, GradientImportanceResult importance, double percentile, int classes, double power)
    {
        var selection = new int[model.Parameters.Count][];
        var ranges = new List<(int Start, int Length)>();
        int offset = 0;
        string? layer = null;
        for (int p = 0; p < model.Parameters.Count; p++)
        {
            Parameter parameter = model.Parameters[p];
            float[] values = importance.Values(parameter.Name, ImportanceCriterion.MeanAbsoluteGradient);
            int keep = Math.Max(1, (int)Math.Round(values.Length * (100 - percentile) / 100));
            int[] order = [.. Enumerable.Range(0, values.Length)];
            Array.Sort(order, (a, b) => values[b].CompareTo(values[a]) is int c && c != 0 ? c : a.CompareTo(b));
            selection[p] = [.. order.Take(keep).Order()];
            if (parameter.LayerName != layer)
            {
                ranges.Add((offset, 0));
                layer = parameter.LayerName;
            }

            offset += keep;
            ranges[^1] = (ranges[^1].Start, offset - ranges[^1].Start);
        }

        return new GradNetFeatures(selection, [.. ranges], classes, power);
    }

    /// <summary>Computes the raw (unscaled) features of every sample, (N·C, F).</summary>
    public float[] Compute(Sequential model, Dataset data, int batchSize, IProgress<int>? progress)
    {
        var pass = new PerSampleGradientPass(model);
        float[] rows = new float[(long)data.Count * Classes * Count is long total && total <= Array.MaxLength
            ? (int)total
            : throw new InvalidOperationException($"{data.Count} samples × {Classes} classes × {Count} features do not fit in one array; raise the percentile or use fewer samples.")];
        var batch = new Tensor(1);
        var targets = new Tensor(1);
        var gradient = new Tensor(1);
        int[] indices = new int[batchSize];
        int rowLength = Classes * Count;
        for (int start = 0; start < data.Count; start += batchSize)
        {
            int size = Math.Min(batchSize, data.Count - start);
            for (int i = 0; i < size; i++)
            {
                indices[i] = start + i;
            }

            data.CopyBatch(indices.AsSpan(0, size), batch, targets);
            Tensor? logits = null;
            for (int c = 0; c < Classes; c++)
            {
                // Backpropagation is linear in dL/dz, so one forward pass serves every class unless a fallback layer replaced its cache.
                if (logits is null || pass.HasFallbackLayers)
                {
                    logits = pass.Forward(batch);
                }

                SampleLoss.Gradient(logits, _ => c, gradient);
                pass.Backward(gradient);
                pass.Gather(_selection, rows, (start * rowLength) + (c * Count), rowLength);
            }

            progress?.Report(start + size);
        }

        for (int i = 0; i < rows.Length; i++)
        {
            if (!float.IsFinite(rows[i]))
            {
                int row = i / Count;
                throw new InvalidOperationException(
                    $"Gradient feature {i % Count} of sample {row / Classes} (class {row % Classes}) in '{data.Name}' is {rows[i]}. Check the checkpoint's weights and the input data for NaN/Inf.");
            }
        }

        return rows;
    }

    /// <summary>Takes each feature's minimum and maximum over the training rows.</summary>
    public void FitScaling(ReadOnlySpan<float> rows)
    {
        _min = new float[Count];
        _max = new float[Count];
        Array.Fill(_min, float.PositiveInfinity);
        Array.Fill(_max, float.NegativeInfinity);
        for (int r = 0; r < rows.Length / Count; r++)
        {
            ReadOnlySpan<float> row = rows.Slice(r * Count, Count);
            for (int f = 0; f < Count; f++)
            {
                _min[f] = Math.Min(_min[f], row[f]);
                _max[f] = Math.Max(_max[f], row[f]);
            }
        }
    }

    /// <summary>Scales rows in place: v ← 2(v − min)/(max − min) − 1 (0 for a constant feature), then v ← sign(v)·|v|^α.</summary>
    public void Scale(Span<float> rows)
    {
        float[] min = _min ?? throw new InvalidOperationException("Fit the scaling on the training features first.");
        float[] max = _max!;
        for (int r = 0; r < rows.Length / Count; r++)
        {
            Span<float> row = rows.Slice(r * Count, Count);
            for (int f = 0; f < Count; f++)
            {
                float range = max[f] - min[f];
                double v = range > 0 ? (2.0 * (row[f] - min[f]) / range) - 1.0 : 0.0;
                row[f] = (float)(Math.Sign(v) * Math.Pow(Math.Abs(v), Power));
            }
        }
    }
}
