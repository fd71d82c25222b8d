using System.Numerics.Tensors;
using MLGradientInsight.Trainers;
using MLGradientInsight.Trainers.Data;
using Tensor = MLGradientInsight.Trainers.Tensor;

namespace MLGradientInsight.Analyses.GradientSpace;

/// <summary>Classification accuracy (argmax of the output) of a model on a dataset, in evaluation mode.</summary>
internal static class ModelAccuracy
{
    public static double Evaluate(Sequential model, Dataset data, int batchSize = 512)
    {
        model.SetTraining(false);
        var features = new Tensor(1);
        var targets = new Tensor(1);
        int[] indices = new int[batchSize];
        long correct = 0;
        for (int start = 0; start < data.Count; start += batchSize)
        {
            int size = Math.Min(batchSize, data.Count - start);
            for (int i = 0; i < size; i++)
            {
                indices[i] = start + i;
            }

            data.CopyBatch(indices.AsSpan(0, size), features, targets);
            Tensor output = model.Forward(features);
            int classes = output.Dim(1);
            ReadOnlySpan<float> z = output.Span;
            for (int i = 0; i < size; i++)
            {
                if (TensorPrimitives.IndexOfMax(z.Slice(i * classes, classes)) == (int)targets.Span[i])
                {
                    correct++;
                }
            }
        }

        return (double)correct / data.Count;
    }
}
