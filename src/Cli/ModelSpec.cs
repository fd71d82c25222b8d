using System.Globalization;
using MLGradientInsight.Trainers;
using MLGradientInsight.Trainers.Data;
using MLGradientInsight.Trainers.Models;

namespace MLGradientInsight.Cli;

/// <summary>Parses <c>--model</c> and checks it fits the dataset.</summary>
internal static class ModelSpec
{
    public const string Choices = "lenet5, kraidiky, mlp:IN,HIDDEN...,OUT[:ACTIVATION] (e.g. mlp:784,256,128,10)";

    /// <summary>The hidden activations of mlp models (<c>--activation</c>).</summary>
    public static readonly string[] Activations = ["relu", "tanh", "sigmoid", "leaky-relu"];

    /// <summary>Returns the model spec, filling in the dataset's default when none was given.</summary>
    public static string Resolve(TrainSettings settings) => Resolve(settings.Model, settings.Dataset);

    /// <summary>Returns the model spec for <c>--model</c> and <c>--dataset</c> as given.</summary>
    public static string Resolve(string model, string dataset)
    {
        if (!string.IsNullOrWhiteSpace(model))
        {
            return model.Trim().ToLowerInvariant();
        }

        string d = dataset.Trim().ToLowerInvariant();
        return DatasetSpec.IsFashionMnist(d) ? "lenet5" : d == "curve" ? "kraidiky" : "mlp";
    }

    /// <summary>The model as a checkpoint records it: the spec with the activation of mlp models (<c>mlp:784,64,10:tanh</c>).</summary>
    public static string Describe(TrainSettings settings, Dataset train)
    {
        string spec = Resolve(settings);
        if (spec == "mlp")
        {
            spec = $"mlp:{string.Join(",", DefaultMlp(train))}";
        }

        return spec.StartsWith("mlp:", StringComparison.Ordinal) ? $"{spec}:{settings.Activation}" : spec;
    }

    public static Sequential Create(TrainSettings settings, Dataset train)
    {
        string spec = Resolve(settings);
        int outputs = train.ClassCount > 0 ? train.ClassCount : train.TargetLength;
        string shape = Tensor.FormatShape(train.SampleShape);
        switch (spec)
        {
            case "lenet5":
                if (!train.SampleShape.SequenceEqual([1, 32, 32]) || outputs != 10)
                {
                    throw new CliException($"lenet5 needs 1×32×32 images with 10 classes (002 Table 1), but dataset '{train.Name}' has samples of shape {shape} and {outputs} outputs. Use --dataset fashion-mnist, or an mlp model.");
                }

                return ModelZoo.LeNet5(settings.Seed);
            case "kraidiky":
                if (train.SampleLength != 3 || train.ClassCount != 0 || outputs != 1)
                {
                    throw new CliException($"kraidiky (the 001 network) needs 3 inputs and one regression target, but dataset '{train.Name}' has samples of shape {shape}. Use --dataset curve.");
                }

                return ModelZoo.Kraidiky(settings.Seed);
            case "mlp":
                return ModelZoo.Mlp(DefaultMlp(train), ParseActivation(settings.Activation), settings.Seed, train.SampleShape.Length > 1);
        }

        if (spec.StartsWith("mlp:", StringComparison.Ordinal))
        {
            string sizesText = spec[4..];
            string activation = settings.Activation;
            int colon = sizesText.IndexOf(':', StringComparison.Ordinal);
            if (colon >= 0)
            {
                activation = sizesText[(colon + 1)..];
                sizesText = sizesText[..colon];
            }

            string[] parts = sizesText.Split(',', StringSplitOptions.TrimEntries);
            var sizes = new int[parts.Length];
            for (int i = 0; i < parts.Length; i++)
            {
                if (!int.TryParse(parts[i], NumberStyles.None, CultureInfo.InvariantCulture, out sizes[i]) || sizes[i] <= 0)
                {
                    throw new CliException($"--model {settings.Model}: layer size {i + 1} ('{parts[i]}') is not a positive integer. Example: mlp:784,256,128,10.");
                }
            }

            if (sizes.Length < 2)
            {
                throw new CliException($"--model {settings.Model}: an mlp needs at least an input and an output size, e.g. mlp:784,256,128,10.");
            }

            if (sizes[0] != train.SampleLength)
            {
                throw new CliException($"--model {settings.Model} expects {sizes[0]} inputs but dataset '{train.Name}' has {train.SampleLength} values per sample (shape {shape}). Start the sizes with {train.SampleLength}.");
            }

            if (sizes[^1] != outputs)
            {
                throw new CliException($"--model {settings.Model} has {sizes[^1]} outputs but dataset '{train.Name}' needs {outputs}. End the sizes with {outputs}.");
            }

            return ModelZoo.Mlp(sizes, ParseActivation(activation), settings.Seed, train.SampleShape.Length > 1);
        }

        throw new CliException($"Unknown --model '{settings.Model}'. Valid choices: {Choices}.");
    }

    private static int[] DefaultMlp(Dataset train) => [train.SampleLength, 64, 64, train.ClassCount > 0 ? train.ClassCount : train.TargetLength];

    private static Activation ParseActivation(string name) => name switch
    {
        "relu" => Activation.ReLU,
        "tanh" => Activation.Tanh,
        "sigmoid" => Activation.Sigmoid,
        "leaky-relu" => Activation.LeakyReLU,
        _ => throw new CliException($"Unknown activation '{name}'. Valid choices: {string.Join(", ", Activations)}."),
    };
}
