using System.Numerics.Tensors;
using MLGradientInsight.Trainers;
using Tensor = MLGradientInsight.Trainers.Tensor;

namespace MLGradientInsight.Analyses.GradientSpace;

/// <summary>
/// Per-sample softmax cross-entropy on logits: Lₙ(c) = −log softmax(zₙ)_c, not averaged over the batch, and its gradient
/// dLₙ/dzₙ = softmax(zₙ) − e_c.
/// </summary>
internal static class SampleLoss
{
    /// <summary>Writes dLₙ/dzₙ for class <c>classOf(n)</c> into <paramref name="gradient"/> (resized to the logits' shape).</summary>
    /// <param name="logits">(N, C) logits.</param>
    /// <param name="classOf">The class whose loss is differentiated, per sample.</param>
    /// <param name="gradient">Receives (N, C).</param>
    /// <exception cref="ArgumentException">The logits are not (N, C), or a class is outside [0, C).</exception>
    public static void Gradient(Tensor logits, Func<int, int> classOf, Tensor gradient)
    {
        if (logits.Rank != 2)
        {
            throw new ArgumentException(
                $"Gradient-space analyses need a classifier whose output is logits of shape (N, C), but the model outputs {Tensor.FormatShape(logits.Shape)}.",
                nameof(logits));
        }

        int n = logits.Dim(0), classes = logits.Dim(1);
        gradient.Resize([n, classes]);
        ReadOnlySpan<float> z = logits.Span;
        Span<float> g = gradient.Span;
        for (int i = 0; i < n; i++)
        {
            Span<float> row = g.Slice(i * classes, classes);
            TensorPrimitives.SoftMax(z.Slice(i * classes, classes), row);
            int c = classOf(i);
            if ((uint)c >= (uint)classes)
            {
                throw new ArgumentException($"Sample {i} has class {c}; the model has {classes} outputs.", nameof(classOf));
            }

            row[c] -= 1f;
        }
    }
}
