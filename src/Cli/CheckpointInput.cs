using System.CommandLine;
using MLGradientInsight.Trainers;
using MLGradientInsight.Trainers.Checkpoints;
using MLGradientInsight.Trainers.Data;

namespace MLGradientInsight.Cli;

/// <summary>A saved model and the dataset to analyse it on, for commands that take a checkpoint (<c>importance</c>, <c>gradnet</c>).</summary>
/// <remarks>The architecture comes from the checkpoint's <c>model</c> metadata (written by <c>mlgi train --save</c>) unless <c>--model</c>
/// names it; models and datasets are built by <see cref="ModelSpec"/> and <see cref="DatasetSpec"/>, as <c>train</c> builds them.</remarks>
internal static class CheckpointInput
{
    public static (Sequential Model, Dataset Train, Dataset Test) Load(string checkpoint, string? model, string dataset, int? limit, string? dataDirectory)
    {
        if (!File.Exists(checkpoint))
        {
            throw new CliException($"Checkpoint '{checkpoint}' does not exist. Give the .safetensors file written by 'mlgi train --save FILE'.", MlgiApp.DataError);
        }

        string? spec = model;
        if (string.IsNullOrWhiteSpace(spec))
        {
            IReadOnlyDictionary<string, string> metadata = SafeTensors.Load(checkpoint).Metadata;
            if (!metadata.TryGetValue("model", out spec))
            {
                throw new CliException($"Checkpoint '{checkpoint}' does not say which model it holds (no 'model' metadata). Name it with --model ({ModelSpec.Choices}).");
            }
        }

        var settings = new TrainSettings { Model = spec, Dataset = dataset, Limit = limit, DataDirectory = dataDirectory };
        (Dataset train, Dataset test) = DatasetSpec.Load(settings);
        if (train.ClassCount == 0)
        {
            throw new CliException($"Dataset '{dataset}' has regression targets; gradient-space analyses need a classification dataset (fashion-mnist, spirals, blobs, csv with a label column).");
        }

        Sequential network = ModelSpec.Create(settings, train);
        Checkpoint.Load(network, checkpoint);
        return (network, train, test);
    }

    /// <summary>Adds a validator to each option that refuses values ≤ 0, naming the option.</summary>
    public static void RequirePositive(params Option<int>[] options)
    {
        foreach (Option<int> option in options)
        {
            option.Validators.Add(r =>
            {
                if (r.GetValueOrDefault<int>() <= 0)
                {
                    r.AddError($"{option.Name} must be a positive integer; got {r.GetValueOrDefault<int>()}.");
                }
            });
        }
    }
}
