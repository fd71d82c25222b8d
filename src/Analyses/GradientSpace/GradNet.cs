using System.Diagnostics;
using System.Numerics.Tensors;
using MLGradientInsight.Trainers;
using MLGradientInsight.Trainers.Data;
using MLGradientInsight.Trainers.Layers;
using MLGradientInsight.Trainers.Losses;
using MLGradientInsight.Trainers.Optimizers;
using Tensor = MLGradientInsight.Trainers.Tensor;

namespace MLGradientInsight.Analyses.GradientSpace;

/// <summary>
/// GradNet (003, "Research", Fig. 2 and 6): a classifier over the gradient space of a trained base network. For each candidate class c
/// the per-sample gradient of the loss for c (<see cref="GradNetOptions.Percentile"/> selection, min–max scaling, signed power) goes
/// through a two-layer block-structured network that outputs one score; the prediction is the class whose gradient scores highest.
/// </summary>
/// <remarks>
/// <para>Structure (our reading of Fig. 2/6, whose drawings are not in the text we have): one block per base layer with parameters; block l
/// sees the features of base layers l and l+1 (the last block its own layer only), so that it can capture "connections between gradients
/// from adjacent layers"; each block has <see cref="GradNetOptions.HiddenPerBlock"/> ReLU units; a linear head maps all hidden units to
/// the score. Scores of the C classes of a sample form the logits of a softmax cross-entropy loss, trained with Adam on our engine.</para>
/// <para>The base network is not changed.</para>
/// </remarks>
public static class GradNet
{
    /// <summary>Trains GradNet on the base network's gradients over <paramref name="train"/> and compares it with the base network on <paramref name="test"/>.</summary>
    /// <param name="baseModel">The trained classifier (outputs logits).</param>
    /// <param name="train">GradNet's training samples (also used for the parameter selection and the scaling bounds).</param>
    /// <param name="test">The test samples.</param>
    /// <param name="options">Settings, or null for the defaults.</param>
    /// <param name="progress">Receives the stage and progress.</param>
    /// <returns>Base and GradNet accuracy, gain and feature cost.</returns>
    /// <exception cref="ArgumentException">The datasets have no class labels, or the model's outputs do not match the class count.</exception>
    /// <exception cref="InvalidOperationException">A gradient feature is NaN or infinite.</exception>
    public static GradNetResult Run(Sequential baseModel, Dataset train, Dataset test, GradNetOptions? options = null, IProgress<GradNetProgress>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(baseModel);
        ArgumentNullException.ThrowIfNull(train);
        ArgumentNullException.ThrowIfNull(test);
        options ??= new GradNetOptions();
        options.Validate();
        int classes = train.ClassCount;
        if (classes < 2 || test.ClassCount != classes)
        {
            throw new ArgumentException($"GradNet needs two labelled datasets with the same classes (≥ 2); got '{train.Name}' with {train.ClassCount} and '{test.Name}' with {test.ClassCount}.", nameof(train));
        }

        int outputs = baseModel.OutputShape([1, .. train.SampleShape])[^1];
        if (outputs != classes)
        {
            throw new ArgumentException($"The base network has {outputs} outputs but '{train.Name}' has {classes} classes.", nameof(baseModel));
        }

        const int FeatureBatch = 64;
        GradientImportanceResult importance = GradientImportance.Compute(
            baseModel, train, new GradientImportanceOptions { BatchSize = FeatureBatch }, Report(progress, "selecting", train.Count));
        var features = GradNetFeatures.Select(baseModel, importance, options.Percentile, classes, options.Power);

        long started = Stopwatch.GetTimestamp();
        float[] trainRows = features.Compute(baseModel, train, FeatureBatch, Report(progress, "train features", train.Count));
        float[] testRows = features.Compute(baseModel, test, FeatureBatch, Report(progress, "test features", test.Count));
        double featureSeconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
        features.FitScaling(trainRows);
        features.Scale(trainRows);
        features.Scale(testRows);

        var random = new Random(options.Seed);
        Sequential net = Build(features, options.HiddenPerBlock, random);
        started = Stopwatch.GetTimestamp();
        Train(net, features, trainRows, train, options, random, progress);
        double trainSeconds = Stopwatch.GetElapsedTime(started).TotalSeconds;

        double baseAccuracy = ModelAccuracy.Evaluate(baseModel, test);
        double gradNetAccuracy = Accuracy(net, features, testRows, test);
        return new GradNetResult(
            baseAccuracy,
            gradNetAccuracy,
            baseAccuracy > 0 ? (gradNetAccuracy / baseAccuracy) - 1 : double.NaN,
            ModelAccuracy.Evaluate(baseModel, train),
            Accuracy(net, features, trainRows, train),
            features.Count,
            features.LayerRanges.Length,
            train.Count,
            test.Count,
            featureSeconds * 1e6 / (train.Count + test.Count),
            ((long)trainRows.Length + testRows.Length) * sizeof(float),
            trainSeconds);
    }

    /// <summary>Block b covers base layers b and b+1 (the last block its own layer).</summary>
    internal static (int Start, int Length)[] Blocks((int Start, int Length)[] layers) =>
        [.. layers.Select((r, l) => l + 1 < layers.Length ? (r.Start, layers[l + 1].Start + layers[l + 1].Length - r.Start) : r)];

    private static Sequential Build(GradNetFeatures features, int hidden, Random random)
    {
        (int Start, int Length)[] blocks = Blocks(features.LayerRanges);
        return new Sequential(
            "gradnet",
            new BlockLinear("block", features.Count, blocks, hidden, random),
            new ReLU("relu"),
            new Linear("head", blocks.Length * hidden, 1, random));
    }

    private static void Train(Sequential net, GradNetFeatures features, float[] rows, Dataset data, GradNetOptions options, Random random, IProgress<GradNetProgress>? progress)
    {
        int classes = features.Classes, count = features.Count;
        var optimizer = new Adam(net.Parameters, options.LearningRate, options.WeightDecay);
        var loss = new SoftmaxCrossEntropyLoss();
        var input = new Tensor(1);
        var logits = new Tensor(1);
        var targets = new Tensor(1);
        var scoreGradient = new Tensor(1);
        int[] order = [.. Enumerable.Range(0, data.Count)];
        net.SetTraining(true);
        for (int epoch = 0; epoch < options.Epochs; epoch++)
        {
            random.Shuffle(order);
            for (int start = 0; start < order.Length; start += options.BatchSize)
            {
                int size = Math.Min(options.BatchSize, order.Length - start);
                input.Resize([size * classes, count]);
                targets.Resize([size]);
                for (int i = 0; i < size; i++)
                {
                    int n = order[start + i];
                    rows.AsSpan(n * classes * count, classes * count).CopyTo(input.Span.Slice(i * classes * count));
                    targets.Span[i] = data.Targets.Span[n];
                }

                Tensor scores = net.Forward(input);
                logits.Resize([size, classes]);
                scores.Span.CopyTo(logits.Span);
                loss.Forward(logits, targets);
                scoreGradient.Resize([size * classes, 1]);
                loss.Backward().Span.CopyTo(scoreGradient.Span);
                optimizer.ZeroGrad();
                net.Backward(scoreGradient);
                optimizer.Step();
            }

            progress?.Report(new GradNetProgress("training", epoch + 1, options.Epochs));
        }
    }

    private static double Accuracy(Sequential net, GradNetFeatures features, float[] rows, Dataset data)
    {
        net.SetTraining(false);
        int classes = features.Classes, count = features.Count;
        const int Batch = 256;
        var input = new Tensor(1);
        long correct = 0;
        for (int start = 0; start < data.Count; start += Batch)
        {
            int size = Math.Min(Batch, data.Count - start);
            input.Resize([size * classes, count]);
            rows.AsSpan(start * classes * count, size * classes * count).CopyTo(input.Span);
            ReadOnlySpan<float> scores = net.Forward(input).Span;
            for (int i = 0; i < size; i++)
            {
                if (TensorPrimitives.IndexOfMax(scores.Slice(i * classes, classes)) == (int)data.Targets.Span[start + i])
                {
                    correct++;
                }
            }
        }

        return (double)correct / data.Count;
    }

    private static Progress? Report(IProgress<GradNetProgress>? progress, string stage, int total) =>
        progress is null ? null : new Progress(progress, stage, total);

    private sealed class Progress(IProgress<GradNetProgress> target, string stage, int total) : IProgress<int>
    {
        public void Report(int value) => target.Report(new GradNetProgress(stage, value, total));
    }
}
