using System.CommandLine;
using System.Globalization;
using MLGradientInsight.Trainers;
using MLGradientInsight.Trainers.Checkpoints;
using MLGradientInsight.Trainers.Models;
using MLGradientInsight.Trainers.Onnx;
using Spectre.Console;
using LibraryModelSpec = MLGradientInsight.Trainers.Models.ModelSpec;

namespace MLGradientInsight.Cli;

/// <summary><c>mlgi export-onnx</c>: a saved model (safetensors + its spec) as an ONNX file for ONNX Runtime or ML.NET's <c>ApplyOnnxModel</c>.</summary>
internal static class ExportOnnxCommand
{
    public static Command Create(CliConsole cli)
    {
        IAnsiConsole console = cli.Ansi();
        var checkpoint = new Argument<string>("checkpoint") { Description = "A model saved by `mlgi train --save` or NeuralNetworkModel.Save (.safetensors)." };
        var onnx = new Option<string>("--onnx") { Description = "The ONNX file to write.", Required = true };
        var model = new Option<string?>("--model") { Description = "The model spec (lenet5, kraidiky, mlp:IN,…,OUT); default: the one recorded in the checkpoint." };
        var shape = new Option<string?>("--input-shape") { Description = "Shape of one sample, e.g. 1,32,32 (default: from the model spec)." };
        var softmax = new Option<bool?>("--softmax") { Description = "End with Softmax (class probabilities). Default: on for lenet5 and for classifiers saved by NeuralNetworkModel.Save." };
        var activation = new Option<string?>("--activation") { Description = "Hidden activation of an mlp (relu, tanh, sigmoid, leaky-relu); default: recorded in the checkpoint, else relu." };
        var command = new Command("export-onnx", "Export a saved model to ONNX (opset 13; input 'input' (N, values), output 'output').") { checkpoint, onnx, model, shape, softmax, activation };
        command.SetAction(pr =>
        {
            string path = pr.GetValue(checkpoint)!;
            if (!File.Exists(path))
            {
                throw new CliException($"The checkpoint '{path}' does not exist. Save one with `mlgi train --save model.safetensors`.", ExitCodes.DataError);
            }

            IReadOnlyDictionary<string, string> metadata = SafeTensors.Load(path).Metadata;
            string specText = pr.GetValue(model) ?? Meta(metadata, "mlgi.model") ?? Meta(metadata, "model")
                ?? throw new CliException($"'{path}' does not record its model spec; give it with --model (e.g. --model mlp:784,128,10).");
            string? suffixActivation = null;
            int lastColon = specText.LastIndexOf(':');
            if (specText.StartsWith("mlp:", StringComparison.OrdinalIgnoreCase) && lastColon > 3 && lastColon + 1 < specText.Length && !char.IsDigit(specText[lastColon + 1]))
            {
                // mlgi train --save records mlp specs with their activation, e.g. mlp:784,64,10:tanh.
                suffixActivation = specText[(lastColon + 1)..];
                specText = specText[..lastColon];
            }

            LibraryModelSpec spec;
            try
            {
                spec = LibraryModelSpec.Parse(specText);
            }
            catch (ArgumentException e)
            {
                throw new CliException($"--model: {e.Message.Split(" (Parameter")[0]}");
            }

            int[] sampleShape = ParseShape(pr.GetValue(shape) ?? Meta(metadata, "mlgi.sample_shape") ?? Meta(metadata, CheckpointMetadata.InputShapeKey)) ?? DefaultShape(spec);
            int outputs = (Meta(metadata, "mlgi.outputs") ?? Meta(metadata, CheckpointMetadata.OutputsKey)) is { } o ? int.Parse(o, CultureInfo.InvariantCulture) : DefaultOutputs(spec);
            bool classification = Meta(metadata, "mlgi.task") is { } task ? task == "multiclass" : spec.Kind == "lenet5";
            Activation hidden = ParseActivation(pr.GetValue(activation) ?? Meta(metadata, "mlgi.activation") ?? suffixActivation ?? Meta(metadata, "activation") ?? "relu");
            Sequential network;
            try
            {
                network = spec.Create(sampleShape, outputs, classification || spec.Kind != "kraidiky", seed: 0, hidden);
            }
            catch (ArgumentException e)
            {
                throw new CliException($"--model {spec}: {e.Message.Split(" (Parameter")[0]}");
            }

            Checkpoint.Load(network, path);
            network.SetTraining(false);
            string output = pr.GetValue(onnx)!;
            OnnxExporter.Export(network, sampleShape, output, pr.GetValue(softmax) ?? classification);
            console.MarkupLine($"wrote {Markup.Escape(output)}: {Markup.Escape(spec.Describe(sampleShape.Aggregate(1, (a, b) => a * b), outputs))}, input 'input' (N, {sampleShape.Aggregate(1, (a, b) => a * b)}), output 'output' (N, {outputs}), opset {OnnxExporter.OpsetVersion}");
            return ExitCodes.Ok;
        });
        return command;
    }

    private static string? Meta(IReadOnlyDictionary<string, string> metadata, string key) => metadata.TryGetValue(key, out string? v) ? v : null;

    private static int[]? ParseShape(string? text)
    {
        if (text is null)
        {
            return null;
        }

        string[] parts = text.Split(',', StringSplitOptions.TrimEntries);
        int[] shape = new int[parts.Length];
        for (int i = 0; i < parts.Length; i++)
        {
            if (!int.TryParse(parts[i], NumberStyles.None, CultureInfo.InvariantCulture, out shape[i]) || shape[i] <= 0)
            {
                throw new CliException($"--input-shape '{text}': dimension {i + 1} ('{parts[i]}') is not a positive integer. Example: 1,32,32.");
            }
        }

        return shape;
    }

    private static int[] DefaultShape(LibraryModelSpec spec) => spec.Kind switch
    {
        "lenet5" => [1, 32, 32],
        "kraidiky" => [3],
        _ when spec.Sizes is { } sizes => [sizes[0]],
        _ => throw new CliException("The spec 'mlp' does not fix the input size; give --input-shape, or use mlp:IN,…,OUT."),
    };

    private static int DefaultOutputs(LibraryModelSpec spec) => spec.Kind switch
    {
        "lenet5" => 10,
        "kraidiky" => 1,
        _ when spec.Sizes is { } sizes => sizes[^1],
        _ => throw new CliException("The spec 'mlp' does not fix the output size; use mlp:IN,…,OUT."),
    };

    private static Activation ParseActivation(string name) => name.ToLowerInvariant() switch
    {
        "relu" => Activation.ReLU,
        "tanh" => Activation.Tanh,
        "sigmoid" => Activation.Sigmoid,
        "leaky-relu" or "leakyrelu" => Activation.LeakyReLU,
        _ => throw new CliException($"Unknown --activation '{name}'. Valid choices: relu, tanh, sigmoid, leaky-relu."),
    };
}
