using MLGradientInsight.Analyses.GradientSpace;
using MLGradientInsight.Trainers;
using MLGradientInsight.Trainers.Data;
using MLGradientInsight.Trainers.Layers;
using MLGradientInsight.Trainers.Models;

namespace MLGradientInsight.Analyses.Tests.GradientSpace;

/// <summary>Small seeded models and data, and the naive per-sample reference (the whole model at batch 1, one sample at a time).</summary>
internal static class Models
{
    public static Sequential ReluMlp(int seed) => ModelZoo.Mlp([12, 7, 5, 3], Activation.ReLU, seed);

    public static Sequential TanhMlp(int seed) => ModelZoo.Mlp([12, 6, 3], Activation.Tanh, seed);

    /// <summary>Conv2d(1→2, 3×3, fused ReLU) → MaxPool 2 → Flatten → Linear(8→3) on 1×6×6 images: the LeNet-5 layer kinds, small.</summary>
    public static Sequential SmallConvNet(int seed)
    {
        var random = new Random(seed);
        return new Sequential(
            "smallconv",
            new Conv2d("conv1", 1, 2, 3, random, fuseReLU: true),
            new MaxPool2d("pool1", 2),
            new Flatten("flatten"),
            new Linear("fc1", 8, 3, random));
    }

    public static Dataset Data(int count, int[] sampleShape, int classes, int seed)
    {
        var random = new Random(seed);
        int length = sampleShape.Aggregate(1, (a, b) => a * b);
        var features = new Tensor([count, .. sampleShape]);
        var targets = new Tensor(count);
        Span<float> f = features.Span;
        for (int i = 0; i < f.Length; i++)
        {
            f[i] = (float)((random.NextDouble() * 2) - 1);
        }

        for (int i = 0; i < count; i++)
        {
            targets.Span[i] = random.Next(classes);
        }

        return new Dataset("random", features, targets, classes);
    }

    /// <summary>Per-sample gradients by brute force: sample n alone through the whole model, loss −log softmax(z)_c.</summary>
    public static float[][] NaiveGradient(Sequential model, Dataset data, int n, int cls)
    {
        model.SetTraining(false);
        model.ZeroGrad();
        var x = new Tensor([1, .. data.SampleShape]);
        data.Features.Span.Slice(n * data.SampleLength, data.SampleLength).CopyTo(x.Span);
        Tensor z = model.Forward(x);
        var g = new Tensor(1);
        SampleLoss.Gradient(z, _ => cls, g);
        model.Backward(g);
        float[][] result = [.. model.Parameters.Select(p => p.Gradients.ToArray())];
        model.ZeroGrad();
        return result;
    }

    /// <summary>The loss −log softmax(model(xₙ))_c in double precision of the sum (float model).</summary>
    public static double SampleLossValue(Sequential model, Dataset data, int n, int cls)
    {
        model.SetTraining(false);
        var x = new Tensor([1, .. data.SampleShape]);
        data.Features.Span.Slice(n * data.SampleLength, data.SampleLength).CopyTo(x.Span);
        ReadOnlySpan<float> z = model.Forward(x).Span;
        double max = double.NegativeInfinity;
        foreach (float v in z)
        {
            max = Math.Max(max, v);
        }

        double sum = 0;
        foreach (float v in z)
        {
            sum += Math.Exp(v - max);
        }

        return Math.Log(sum) + max - z[cls];
    }
}
