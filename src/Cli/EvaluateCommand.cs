using System.CommandLine;
using System.Globalization;
using MLGradientInsight.Trainers;
using MLGradientInsight.Trainers.Checkpoints;
using MLGradientInsight.Trainers.Data;
using MLGradientInsight.Trainers.Losses;
using MLGradientInsight.Trainers.Optimizers;
using MLGradientInsight.Trainers.Training;

namespace MLGradientInsight.Cli;

/// <summary><c>mlgi evaluate model.safetensors --dataset …</c>: rebuilds the model from the checkpoint's metadata and evaluates it on the test split.</summary>
internal static class EvaluateCommand
{
    public static Command Create(CliConsole console)
    {
        var file = new Argument<string>("checkpoint") { Description = "A .safetensors file written by 'mlgi train --save'." };
        var dataset = new Option<string?>("--dataset") { Description = $"The data to evaluate on: {DatasetSpec.Choices} (default: the dataset the checkpoint was trained on)." };
        var dataDirectory = new Option<string?>("--data-dir") { Description = "Folder of the Fashion-MNIST IDX files.", HelpName = "DIR" };
        Option<int?> seed = NumberOption.Create<int>("--seed", "Seed of the held-out split of synthetic and CSV data (default: the seed the checkpoint was trained with)", NumberRange.AtLeast(0));
        Option<int?> limit = NumberOption.Create<int>("--limit", "The --limit the checkpoint was trained with, for synthetic and CSV data whose test split depends on it", NumberRange.AtLeast(2));
        var command = new Command("evaluate", "Evaluate a saved checkpoint on a dataset's test split.") { file, dataset, dataDirectory, seed, limit };
        command.SetAction(r => Run(r.GetValue(file)!, r.GetValue(dataset), r.GetValue(dataDirectory), r.GetValue(seed), r.GetValue(limit), console));
        return command;
    }

    private static int Run(string path, string? datasetOption, string? dataDirectory, int? seedOption, int? limit, CliConsole console)
    {
        if (!File.Exists(path))
        {
            throw CliException.BadData($"Checkpoint '{path}' does not exist. Write one with 'mlgi train … --save {path}'.");
        }

        IReadOnlyDictionary<string, string> metadata = SafeTensors.Load(path).Metadata;
        if (!metadata.TryGetValue(CheckpointMetadata.ModelKey, out string? modelSpec))
        {
            throw CliException.BadData($"Checkpoint '{path}' has no '{CheckpointMetadata.ModelKey}' entry in its metadata, so the model cannot be rebuilt. Only checkpoints written by 'mlgi train --save' can be evaluated; load others with Checkpoint.Load into a model you build.");
        }

        string dataset = datasetOption ?? metadata.GetValueOrDefault(CheckpointMetadata.DatasetKey)
            ?? throw CliException.Usage($"Checkpoint '{path}' does not say what it was trained on; give --dataset ({DatasetSpec.Choices}).");
        int seed = seedOption ?? (int.TryParse(metadata.GetValueOrDefault("seed"), NumberStyles.None, CultureInfo.InvariantCulture, out int s) ? s : 1);
        var settings = new TrainSettings
        {
            Model = modelSpec,
            Activation = metadata.GetValueOrDefault(CheckpointMetadata.ActivationKey, "relu"),
            Dataset = dataset,
            DataDirectory = dataDirectory,
            Seed = seed,
            Limit = limit,
        };
        (Dataset train, Dataset test) = DatasetSpec.Load(settings);
        Sequential model;
        try
        {
            model = ModelSpec.Create(settings, train);
        }
        catch (CliException e)
        {
            throw CliException.Usage($"Checkpoint '{path}' ({CheckpointMetadata.Describe(metadata)}) does not fit --dataset {dataset}: {e.Message}");
        }

        Checkpoint.Load(model, path);
        Loss loss = test.ClassCount > 0 ? new SoftmaxCrossEntropyLoss() : new MseLoss();
        var trainer = new Trainer(model, loss, new Sgd(model.Parameters, 0.01f), new TrainerOptions { Epochs = 1 });
        EvaluationResult result = trainer.Evaluate(test);
        console.Line($"checkpoint {Path.GetFullPath(path)}: {CheckpointMetadata.Describe(metadata)}");
        console.Line(TrainCommand.TestResult(test.ClassCount > 0, result.Accuracy, result.Loss, result.Count));
        return ExitCodes.Ok;
    }
}
