using System.Globalization;
using MLGradientInsight.Trainers.Data;

namespace MLGradientInsight.Cli;

/// <summary>
/// The <c>__metadata__</c> that <c>mlgi train --save</c> writes into a safetensors checkpoint: everything
/// <c>mlgi evaluate</c> needs to rebuild the model (the model spec with its activation, the input shape and the
/// number of outputs) and what it was trained on.
/// </summary>
internal static class CheckpointMetadata
{
    public const string ModelKey = "model";
    public const string ActivationKey = "activation";
    public const string InputShapeKey = "input_shape";
    public const string OutputsKey = "outputs";
    public const string DatasetKey = "dataset";

    /// <summary>The run id of a tracked training run (analyses of the checkpoint are then saved for that run).</summary>
    public const string RunKey = "run";

    public static Dictionary<string, string> For(TrainSettings settings, Dataset train) => new()
    {
        [ModelKey] = ModelSpec.Describe(settings, train),
        [ActivationKey] = settings.Activation,
        [InputShapeKey] = string.Join(",", train.SampleShape.ToArray()),
        [OutputsKey] = (train.ClassCount > 0 ? train.ClassCount : train.TargetLength).ToString(CultureInfo.InvariantCulture),
        ["task"] = train.ClassCount > 0 ? "classification" : "regression",
        [DatasetKey] = settings.Dataset,
        ["seed"] = settings.Seed.ToString(CultureInfo.InvariantCulture),
        ["epochs"] = settings.Epochs.ToString(CultureInfo.InvariantCulture),
        ["limit"] = settings.Limit?.ToString(CultureInfo.InvariantCulture) ?? "",
        ["optimizer"] = OptimizerFactory.Describe(settings),
        ["mlgi_engine"] = "managed",
    };

    /// <summary>Describes what a checkpoint's metadata says it holds (for error messages).</summary>
    public static string Describe(IReadOnlyDictionary<string, string> metadata) =>
        metadata.TryGetValue(ModelKey, out string? model)
            ? $"model {model}, input {metadata.GetValueOrDefault(InputShapeKey, "?")}, trained on {metadata.GetValueOrDefault(DatasetKey, "?")}"
            : "no mlgi model description";
}
