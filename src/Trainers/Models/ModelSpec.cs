using System.Globalization;

namespace MLGradientInsight.Trainers.Models;

/// <summary>
/// A model named by text, as <c>mlgi train --model</c> and the ML.NET trainer take it: <c>lenet5</c> (002 Table 1,
/// 1×32×32 images, 10 classes), <c>kraidiky</c> (the 001 network: 3 inputs, one regression output), <c>mlp</c>
/// (IN, 64, 64, OUT) or <c>mlp:IN,HIDDEN…,OUT</c>.
/// </summary>
public sealed class ModelSpec
{
    /// <summary>The accepted forms, for messages.</summary>
    public const string Choices = "lenet5, kraidiky, mlp, mlp:IN,HIDDEN...,OUT (e.g. mlp:784,256,128,10)";

    private readonly int[]? _sizes;

    private ModelSpec(string kind, int[]? sizes)
    {
        Kind = kind;
        _sizes = sizes;
    }

    /// <summary>Gets the kind: <c>lenet5</c>, <c>kraidiky</c> or <c>mlp</c>.</summary>
    public string Kind { get; }

    /// <summary>Gets the layer sizes of an <c>mlp:…</c> spec (input first, output last), or null (<c>mlp</c> alone picks IN, 64, 64, OUT).</summary>
    public IReadOnlyList<int>? Sizes => _sizes;

    /// <summary>Parses a spec (case and surrounding spaces ignored).</summary>
    /// <param name="text">The spec, e.g. <c>mlp:784,128,10</c>.</param>
    /// <returns>The spec.</returns>
    /// <exception cref="ArgumentException">The text is not a model spec (the message lists the valid forms).</exception>
    public static ModelSpec Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        string spec = text.Trim().ToLowerInvariant();
        switch (spec)
        {
            case "lenet5" or "kraidiky" or "mlp":
                return new ModelSpec(spec, null);
        }

        if (!spec.StartsWith("mlp:", StringComparison.Ordinal))
        {
            throw new ArgumentException($"Unknown model '{text}'. Valid choices: {Choices}.", nameof(text));
        }

        string[] parts = spec[4..].Split(',', StringSplitOptions.TrimEntries);
        var sizes = new int[parts.Length];
        for (int i = 0; i < parts.Length; i++)
        {
            if (!int.TryParse(parts[i], NumberStyles.None, CultureInfo.InvariantCulture, out sizes[i]) || sizes[i] <= 0)
            {
                throw new ArgumentException($"Model '{text}': layer size {i + 1} ('{parts[i]}') is not a positive integer. Example: mlp:784,256,128,10.", nameof(text));
            }
        }

        if (sizes.Length < 2)
        {
            throw new ArgumentException($"Model '{text}': an mlp needs at least an input and an output size, e.g. mlp:784,256,128,10.", nameof(text));
        }

        return new ModelSpec("mlp", sizes);
    }

    /// <summary>Gets the layer sizes this spec uses for data of a given size (<c>mlp</c> alone: IN, 64, 64, OUT).</summary>
    /// <param name="inputs">Values per sample.</param>
    /// <param name="outputs">Classes, or regression targets.</param>
    /// <returns>The sizes, or null for <c>lenet5</c> and <c>kraidiky</c>.</returns>
    public IReadOnlyList<int>? SizesFor(int inputs, int outputs) => Kind != "mlp" ? null : _sizes ?? [inputs, 64, 64, outputs];

    /// <summary>Describes the spec for data of a given size (<c>mlp:784,64,64,10</c>).</summary>
    /// <param name="inputs">Values per sample.</param>
    /// <param name="outputs">Classes, or regression targets.</param>
    /// <returns>The text, which <see cref="Parse"/> reads back.</returns>
    public string Describe(int inputs, int outputs) => SizesFor(inputs, outputs) is { } sizes ? $"mlp:{string.Join(",", sizes)}" : Kind;

    /// <inheritdoc/>
    public override string ToString() => _sizes is null ? Kind : $"mlp:{string.Join(",", _sizes)}";

    /// <summary>Builds the model for samples of a given shape, checking that it fits them.</summary>
    /// <param name="sampleShape">The shape of one sample (<c>[1, 32, 32]</c>, <c>[784]</c>).</param>
    /// <param name="outputs">Classes (classification) or regression targets.</param>
    /// <param name="classification">Whether the task is classification.</param>
    /// <param name="seed">Seeds the initial weights.</param>
    /// <param name="activation">The hidden activation of an mlp.</param>
    /// <returns>A freshly initialised model.</returns>
    /// <exception cref="ArgumentException">The model does not fit the data (the message says what to change).</exception>
    public Sequential Create(IReadOnlyList<int> sampleShape, int outputs, bool classification, int seed, Activation activation = Activation.ReLU)
    {
        ArgumentNullException.ThrowIfNull(sampleShape);
        int inputs = 1;
        foreach (int d in sampleShape)
        {
            inputs *= d;
        }

        string shape = Tensor.FormatShape([.. sampleShape]);
        switch (Kind)
        {
            case "lenet5":
                if (!sampleShape.SequenceEqual([1, 32, 32]) || outputs != 10 || !classification)
                {
                    throw new ArgumentException($"lenet5 needs 1×32×32 images with 10 classes (002 Table 1), but the data has samples of shape {shape} and {outputs} {(classification ? "classes" : "regression targets")}. Use 28×28 images padded to 32×32 with 10 classes, or an mlp model.", nameof(sampleShape));
                }

                return ModelZoo.LeNet5(seed);
            case "kraidiky":
                if (inputs != 3 || classification || outputs != 1)
                {
                    throw new ArgumentException($"kraidiky (the 001 network) needs 3 inputs and one regression target, but the data has samples of shape {shape} and {outputs} {(classification ? "classes" : "targets")}.", nameof(sampleShape));
                }

                return ModelZoo.Kraidiky(seed);
        }

        IReadOnlyList<int> sizes = SizesFor(inputs, outputs)!;
        if (sizes[0] != inputs)
        {
            throw new ArgumentException($"Model {this} expects {sizes[0]} inputs but the data has {inputs} values per sample (shape {shape}). Start the sizes with {inputs}.", nameof(sampleShape));
        }

        if (sizes[^1] != outputs)
        {
            throw new ArgumentException($"Model {this} has {sizes[^1]} outputs but the data needs {outputs}. End the sizes with {outputs}.", nameof(outputs));
        }

        return ModelZoo.Mlp(sizes, activation, seed, sampleShape.Count > 1);
    }
}
