using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Trainers;
using Microsoft.ML.Trainers.LightGbm;

namespace MLGradientInsight.ActivityClassifier.Training;

/// <summary>The shared tail of both models: label → key (fixed class order), the trainer, predicted key → label.</summary>
internal static class MulticlassPipeline
{
    public const string LabelColumn = "Label";
    public const string FeaturesColumn = "Features";
    public const string ScoreColumn = "Score";
    public const string PredictedLabelColumn = "PredictedLabel";

    /// <summary>Appends label mapping, trainer and key-to-value mapping. Class order = <paramref name="classes"/> (Score slots in that order).</summary>
    public static IEstimator<ITransformer> Tail(MLContext ml, IReadOnlyList<string> classes, ModelAlgorithm algorithm, int seed)
    {
        IDataView keys = ml.Data.LoadFromEnumerable(classes.Select(c => new LabelRow { Label = c }));
        IEstimator<ITransformer> tail = ml.Transforms.Conversion.MapValueToKey(LabelColumn, keyData: keys);
        if (algorithm == ModelAlgorithm.LightGbm)
        {
            tail = tail.Append(ml.MulticlassClassification.Trainers.LightGbm(new LightGbmMulticlassTrainer.Options
            {
                LabelColumnName = LabelColumn,
                FeatureColumnName = FeaturesColumn,
                Seed = seed,
                Deterministic = true,
                NumberOfThreads = 1,
                NumberOfIterations = 150,
                NumberOfLeaves = 15,
                MinimumExampleCountPerLeaf = 10,
                LearningRate = 0.1,
                Silent = true,
                Verbose = false,
            }));
        }
        else
        {
            tail = tail.Append(ml.Transforms.NormalizeMinMax(FeaturesColumn))
                .Append(ml.MulticlassClassification.Trainers.LbfgsMaximumEntropy(new LbfgsMaximumEntropyMulticlassTrainer.Options
                {
                    LabelColumnName = LabelColumn,
                    FeatureColumnName = FeaturesColumn,
                    NumberOfThreads = 1,
                    L2Regularization = 0.01f,
                }));
        }

        return tail.Append(ml.Transforms.Conversion.MapKeyToValue(PredictedLabelColumn));
    }

    private sealed class LabelRow
    {
        public string Label { get; set; } = "";
    }
}

/// <summary>The scored output both models read: class probabilities in class order.</summary>
internal sealed class MulticlassPrediction
{
    [ColumnName(MulticlassPipeline.ScoreColumn)]
    public float[] Score { get; set; } = [];

    [ColumnName(MulticlassPipeline.PredictedLabelColumn)]
    public string PredictedLabel { get; set; } = "";
}
