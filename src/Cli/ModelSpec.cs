using MLGradientInsight.Trainers;
using MLGradientInsight.Trainers.Data;
using MLGradientInsight.Trainers.Models;
using LibraryModelSpec = MLGradientInsight.Trainers.Models.ModelSpec;

namespace MLGradientInsight.Cli;

/// <summary>Resolves <c>--model</c> (parsed by the library's <see cref="LibraryModelSpec"/>) and checks it fits the dataset.</summary>
internal static class ModelSpec
{
    public const string Choices = LibraryModelSpec.Choices;

    /// <summary>Returns the model spec, filling in the dataset's default when none was given.</summary>
    public static string Resolve(TrainSettings settings)
    {
        if (!string.IsNullOrWhiteSpace(settings.Model))
        {
            return settings.Model.Trim().ToLowerInvariant();
        }

        return settings.Dataset.Trim().ToLowerInvariant() switch
        {
            "fashion-mnist" or "fashion_mnist" or "fashionmnist" => "lenet5",
            "curve" => "kraidiky",
            _ => "mlp",
        };
    }

    public static string Describe(TrainSettings settings, Dataset train) =>
        Parse(settings).Describe(train.SampleLength, Outputs(train));

    public static Sequential Create(TrainSettings settings, Dataset train)
    {
        LibraryModelSpec spec = Parse(settings);
        try
        {
            return spec.Create([.. train.SampleShape.ToArray()], Outputs(train), train.ClassCount > 0, settings.Seed, ParseActivation(settings.Activation));
        }
        catch (ArgumentException e)
        {
            string hint = spec.Kind switch { "lenet5" => " Use --dataset fashion-mnist.", "kraidiky" => " Use --dataset curve.", _ => "" };
            throw new CliException($"--model {spec} on dataset '{train.Name}': {e.Message.Split(" (Parameter")[0]}{hint}");
        }
    }

    private static LibraryModelSpec Parse(TrainSettings settings)
    {
        try
        {
            return LibraryModelSpec.Parse(Resolve(settings));
        }
        catch (ArgumentException e)
        {
            throw new CliException($"--model: {e.Message.Split(" (Parameter")[0]}");
        }
    }

    private static int Outputs(Dataset train) => train.ClassCount > 0 ? train.ClassCount : train.TargetLength;

    private static Activation ParseActivation(string name) => name switch
    {
        "relu" => Activation.ReLU,
        "tanh" => Activation.Tanh,
        "sigmoid" => Activation.Sigmoid,
        "leaky-relu" => Activation.LeakyReLU,
        _ => throw new CliException($"Unknown --activation '{name}'. Valid choices: relu, tanh, sigmoid, leaky-relu."),
    };
}
