using MLGradientInsight.Trainers.Models;
using MLGradientInsight.Trainers.Optimizers;
using MLGradientInsight.Transforms.Activity;
using Microsoft.ML;

namespace MLGradientInsight.Trainers.MLNet;

/// <summary>
/// Settings of the ML.NET <c>NeuralNetwork</c> trainers (<see cref="GradientInsightCatalog"/>): model, optimizer,
/// schedule, epochs, batch, seed, validation set, activity tracking, run store and progress. Validated once, when the
/// trainer is created.
/// </summary>
public sealed record NeuralNetworkOptions
{
    /// <summary>Gets the features column: a known-size vector of Single. Default <c>Features</c>.</summary>
    public string FeatureColumnName { get; init; } = "Features";

    /// <summary>Gets the label column: a key (multiclass; <c>MapValueToKey</c>) or Single (regression). Default <c>Label</c>.</summary>
    public string LabelColumnName { get; init; } = "Label";

    /// <summary>
    /// Gets the model spec: <c>mlp</c> (IN, 64, 64, OUT; the default), <c>mlp:IN,HIDDEN…,OUT</c>, <c>lenet5</c> (set
    /// <see cref="ImageShape"/> to 1, 32, 32) or <c>kraidiky</c> (3 inputs, regression). Ignored when <see cref="Network"/> is set.
    /// </summary>
    public string Model { get; init; } = "mlp";

    /// <summary>Gets a model built by the user, trained in place; null to build <see cref="Model"/>. Its output size must be the class count (multiclass) or 1 (regression).</summary>
    public Sequential? Network { get; init; }

    /// <summary>Gets the shape the flat feature vector is viewed as, e.g. <c>[1, 32, 32]</c> for <c>lenet5</c>; null for a flat vector.</summary>
    public IReadOnlyList<int>? ImageShape { get; init; }

    /// <summary>Gets the hidden activation of an <c>mlp</c> model. Default ReLU.</summary>
    public Activation Activation { get; init; } = Activation.ReLU;

    /// <summary>Gets the optimizer, one of <see cref="OptimizerSpec.Names"/>. Default <c>adam</c>.</summary>
    public string Optimizer { get; init; } = "adam";

    /// <summary>Gets the learning rate. Default 0.001.</summary>
    public float LearningRate { get; init; } = 0.001f;

    /// <summary>Gets the momentum (null: the optimizer's default).</summary>
    public float? Momentum { get; init; }

    /// <summary>Gets the weight decay. Default 0.</summary>
    public float WeightDecay { get; init; }

    /// <summary>Gets the learning-rate schedule, one of <see cref="OptimizerSpec.ScheduleChoices"/>. Default <c>constant</c>.</summary>
    public string Schedule { get; init; } = "constant";

    /// <summary>Gets the number of epochs. Default 10.</summary>
    public int Epochs { get; init; } = 10;

    /// <summary>Gets the mini-batch size. Default 32.</summary>
    public int BatchSize { get; init; } = 32;

    /// <summary>Gets the seed of the initial weights and the shuffling; null takes one from the <see cref="MLContext"/> (deterministic when it was created with a seed).</summary>
    public int? Seed { get; init; }

    /// <summary>Gets a validation set (same columns as the training data) evaluated after every epoch; null for none.</summary>
    public IDataView? ValidationData { get; init; }

    /// <summary>Gets whether gradient activity is tracked (000 §3). Default true.</summary>
    public bool TrackActivity { get; init; } = true;

    /// <summary>Gets the tracker settings; null for the defaults.</summary>
    public GradientActivityOptions? Activity { get; init; }

    /// <summary>Gets a run store (SQLite file) to record the run into, as <c>mlgi train --track</c> does; null keeps the trace in memory only.</summary>
    public string? RunStorePath { get; init; }

    /// <summary>Gets the run name in the store; null for a description of the model.</summary>
    public string? RunName { get; init; }

    /// <summary>Gets a receiver of live steps (loss and network activity); null for none.</summary>
    public IProgress<NeuralNetworkProgress>? Progress { get; init; }

    /// <summary>
    /// Gets the engine that trains the network: <see cref="ManagedEngine.Default"/> (the default), or e.g.
    /// <c>TorchSharpEngine.Default</c> from MLGradientInsight.Trainers.Torch. The fitted model scores with the managed
    /// network either way.
    /// </summary>
    public INeuralNetworkEngine Engine { get; init; } = ManagedEngine.Default;

    /// <summary>Checks every setting and builds nothing.</summary>
    /// <exception cref="ArgumentException">A setting is invalid; <see cref="ArgumentException.ParamName"/> names the property.</exception>
    internal void Validate()
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(FeatureColumnName, nameof(FeatureColumnName));
        ArgumentException.ThrowIfNullOrWhiteSpace(LabelColumnName, nameof(LabelColumnName));
        ArgumentNullException.ThrowIfNull(Engine, nameof(Engine));
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(Epochs, nameof(Epochs));
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(BatchSize, nameof(BatchSize));
        if (!(LearningRate > 0) || !float.IsFinite(LearningRate))
        {
            throw new ArgumentOutOfRangeException(nameof(LearningRate), LearningRate, "The learning rate must be a positive finite number, such as 0.001.");
        }

        if (!(WeightDecay >= 0) || !float.IsFinite(WeightDecay))
        {
            throw new ArgumentOutOfRangeException(nameof(WeightDecay), WeightDecay, "The weight decay must be 0 or a positive finite number.");
        }

        if (Network is null)
        {
            Rethrow(() => ModelSpec.Parse(Model), nameof(Model));
        }

        if (ImageShape is { } shape && (shape.Count == 0 || shape.Any(d => d <= 0)))
        {
            throw new ArgumentException($"ImageShape [{string.Join(", ", shape)}] must list positive dimensions, such as [1, 32, 32].", nameof(ImageShape));
        }

        if (!OptimizerSpec.Names.Contains(Optimizer.Trim().ToLowerInvariant()))
        {
            throw new ArgumentException($"Unknown optimizer '{Optimizer}'. Valid choices: {string.Join(", ", OptimizerSpec.Names)}.", nameof(Optimizer));
        }

        Rethrow(() => OptimizerSpec.CreateSchedule(Schedule, Epochs), nameof(Schedule));
        Activity?.Validate();
    }

    private static void Rethrow(Action check, string property)
    {
        try
        {
            check();
        }
        catch (ArgumentException e) when (e.ParamName != property)
        {
            throw new ArgumentException(e.Message.Split(" (Parameter")[0], property, e);
        }
    }
}
