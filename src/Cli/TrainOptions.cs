using System.CommandLine;
using MLGradientInsight.ActivityClassifier.AutoAdjust;
using MLGradientInsight.Transforms.Activity;

namespace MLGradientInsight.Cli;

/// <summary>
/// The options of <c>mlgi train</c>: their definitions (numbers through <see cref="NumberOption"/>), how they bind
/// to <see cref="TrainSettings"/>, and which combinations are refused because an option would do nothing.
/// A new option is one field here, one line in <see cref="All"/>, one in <see cref="Bind"/> and, if it depends on
/// another option, one rule in <see cref="CheckCombinations"/>.
/// </summary>
internal sealed class TrainOptions
{
    /// <summary>Optimizers that use <c>--momentum</c>.</summary>
    private static readonly string[] s_momentumOptimizers = ["sgd", "momentum", "nesterov", "rmsprop", "lars"];

    public Option<string> Model { get; } = new("--model") { Description = $"The model: {ModelSpec.Choices} (default: lenet5 for fashion-mnist, kraidiky for curve, mlp:IN,64,64,OUT otherwise)." };

    public Option<string> Dataset { get; } = new("--dataset") { Description = $"The data: {DatasetSpec.Choices}.", DefaultValueFactory = _ => "fashion-mnist" };

    public Option<string> Optimizer { get; } = Choice("--optimizer", "The optimizer (004)", "sgd", OptimizerFactory.Names);

    public Option<float?> LearningRate { get; } = NumberOption.Create<float>("--lr", "Learning rate", NumberRange.Positive, 0.01f);

    public Option<float?> Momentum { get; } = NumberOption.Create<float>("--momentum", "Momentum of sgd, momentum, nesterov, rmsprop and lars; 'sgd' with --momentum is momentum SGD (default 0.9 for momentum, nesterov, lars)", NumberRange.From(0, 1));

    public Option<float?> WeightDecay { get; } = NumberOption.Create<float>("--weight-decay", "L2 weight decay, decoupled for adamw (default 0, or 0.01 for adamw as in PyTorch)", NumberRange.NonNegative);

    public Option<string> Schedule { get; } = new("--schedule") { Description = $"Learning-rate schedule: {ScheduleSpec.Choices}.", DefaultValueFactory = _ => "constant" };

    public Option<int?> SlowLearning { get; } = NumberOption.Create<int>("--slow-learning", "Apply each update gradually over K steps (001's slow-learning descent); 1 = off", NumberRange.AtLeast(1), 1);

    public Option<string> Activation { get; } = Choice("--activation", "Hidden activation of mlp models", "relu", ModelSpec.Activations);

    public Option<int?> Epochs { get; } = NumberOption.Create<int>("--epochs", "Passes over the training set", NumberRange.AtLeast(1), 3);

    public Option<int?> Batch { get; } = NumberOption.Create<int>("--batch", "Mini-batch size", NumberRange.AtLeast(1), 64);

    public Option<int?> Seed { get; } = NumberOption.Create<int>("--seed", "Seed of initialisation, shuffling and synthetic data", NumberRange.AtLeast(0), 1);

    public Option<int?> Limit { get; } = NumberOption.Create<int>("--limit", "Use only the first N training samples (quick runs)", NumberRange.AtLeast(1));

    public Option<int?> Threads { get; } = NumberOption.Create<int>("--threads", "Worker threads for the kernels; 1 = bit-reproducible (default: the number of cores)", NumberRange.Between(1, 1024));

    public Option<string?> Save { get; } = new("--save") { Description = "Write the trained weights to this .safetensors file (missing folders are created; checked before training).", HelpName = "FILE" };

    public Option<bool> Track { get; } = new("--track") { Description = "Track gradient activity (000) and record the run in the store." };

    public Option<string> Store { get; } = new("--store") { Description = "Run store file (SQLite) for --track; missing folders are created.", DefaultValueFactory = _ => "runs.db", HelpName = "FILE" };

    public Option<string?> Name { get; } = new("--name") { Description = "A name for the recorded run (with --track)." };

    public Option<string?> DataDirectory { get; } = new("--data-dir") { Description = "Folder of the Fashion-MNIST IDX files (default /usr/share/datasets/fashion-mnist).", HelpName = "DIR" };

    public Option<float?> ActivitySmoothing { get; } = NumberOption.Create<float>("--activity-smoothing", "k2 of M ← (1−k2)·M + k2·I (000 §3.3)", NumberRange.Between(0, 1), GradientActivityOptions.DefaultSmoothing);

    public Option<int?> ActivityWarmup { get; } = NumberOption.Create<int>("--activity-warmup", "Warm-up steps W averaged into the first M (000 §3.4.3); activity starts at step W+2", NumberRange.AtLeast(1), GradientActivityOptions.DefaultWarmupSteps);

    public Option<float?> ActivityAbsoluteThreshold { get; } = NumberOption.Create<float>("--activity-absolute-threshold", "Exclude elements whose M ≤ this (000 §3.5)", NumberRange.NonNegative, GradientActivityOptions.DefaultAbsoluteThreshold);

    public Option<float?> ActivityRelativeThreshold { get; } = NumberOption.Create<float>("--activity-relative-threshold", "Exclude elements whose M < this × mean M of their layer (000 §3.5)", NumberRange.NonNegative, GradientActivityOptions.DefaultRelativeThreshold);

    public Option<float?> ActivityRoot { get; } = NumberOption.Create<float>("--activity-root", "Root exponent p: dI^(1/p) before averaging (000 §3.5); 1 = off", NumberRange.AtLeast(1), GradientActivityOptions.DefaultRootExponent);

    public Option<string> ActivityGrouping { get; } = Choice("--activity-grouping", "Track every element, every unit (neuron / conv filter) or every tensor (000 §3.4.1)", "element", "element", "unit", "tensor");

    public Option<string> ActivityDetail { get; } = Choice("--activity-detail", "layer: one row per layer and step; unit: also one row per neuron / conv filter in the store's unit_activity table (000 §3.4.4)", "layer", "layer", "unit");

    public Option<bool> ActivityPerTensor { get; } = new("--activity-per-tensor") { Description = "Report fc1.weight and fc1.bias as separate layers." };

    public Option<string> Engine { get; } = Choice("--engine", "The engine: managed (this project's) or torchsharp (libtorch through TorchSharp)", "managed", "managed", "torchsharp");

    public Option<int?> CheckpointEvery { get; } = NumberOption.Create<int>("--checkpoint-every", "Keep a checkpoint every N steps (plus θ0 and the last step) for mlgi trajectory / interpolate / robustness", NumberRange.AtLeast(1));

    public Option<string?> CheckpointDirectory { get; } = new("--checkpoint-dir") { Description = "Folder of the kept checkpoints (default checkpoints/RUN-ID with --track, else checkpoints/NAME-or-time).", HelpName = "DIR" };

    public Option<string?> ActivityLayers { get; } = new("--activity-layers") { Description = "Track only these layers, comma-separated (e.g. conv1,fc1); default all. Fewer layers cost less per step.", HelpName = "LAYERS" };

    public Option<bool> AutoAdjust { get; } = new("--auto-adjust") { Description = "Let the advisor change the learning rate while training (lower-learning-rate / raise-learning-rate; other advice is only shown), within guard rails; every decision is recorded in the store. Needs --track and --schedule constant." };

    public Option<int?> AutoAdjustCooldown { get; } = NumberOption.Create<int>("--auto-adjust-cooldown", "Least steps between two learning-rate changes of --auto-adjust", NumberRange.AtLeast(0), new AutoAdjustOptions().CooldownSteps);

    public Option<int?> AutoAdjustWarmup { get; } = NumberOption.Create<int>("--auto-adjust-warmup", "First steps in which --auto-adjust changes nothing", NumberRange.AtLeast(0), new AutoAdjustOptions().WarmupSteps);

    public Option<float?> AutoAdjustFactor { get; } = NumberOption.Create<float>("--auto-adjust-factor", "Factor of one --auto-adjust change (lower divides, raise multiplies); the rate stays within ×0.01 … ×10 of --lr", NumberRange.Between(1.01, 10), (float)new AutoAdjustOptions().Factor);

    /// <summary>Every option, in help order.</summary>
    public IEnumerable<Option> All =>
    [
        Model, Dataset, Optimizer, LearningRate, Momentum, WeightDecay, Schedule, SlowLearning, Activation, Epochs, Batch, Seed, Limit, Threads,
        Save, Track, Store, Name, DataDirectory,
        ActivitySmoothing, ActivityWarmup, ActivityAbsoluteThreshold, ActivityRelativeThreshold, ActivityRoot, ActivityGrouping, ActivityDetail, ActivityPerTensor, ActivityLayers,
        Engine, CheckpointEvery, CheckpointDirectory, AutoAdjust, AutoAdjustCooldown, AutoAdjustWarmup, AutoAdjustFactor,
    ];

    /// <summary>The options that only matter with <c>--track</c>.</summary>
    private IEnumerable<Option> TrackingOnly =>
        [Store, Name, AutoAdjust, AutoAdjustCooldown, AutoAdjustWarmup, AutoAdjustFactor, ActivitySmoothing, ActivityWarmup, ActivityAbsoluteThreshold, ActivityRelativeThreshold, ActivityRoot, ActivityGrouping, ActivityDetail, ActivityPerTensor, ActivityLayers];

    /// <summary>Reads the settings from a parse result (after <see cref="CheckCombinations"/>).</summary>
    /// <param name="r">The parse result.</param>
    /// <returns>The settings.</returns>
    public TrainSettings Bind(ParseResult r)
    {
        string optimizer = r.GetValue(Optimizer)!;
        return new TrainSettings
        {
            Model = r.GetValue(Model) ?? "",
            Dataset = r.GetValue(Dataset)!,
            Optimizer = optimizer,
            LearningRate = r.GetValue(LearningRate)!.Value,
            Momentum = r.GetValue(Momentum),
            WeightDecay = r.GetValue(WeightDecay) ?? (optimizer == "adamw" ? 0.01f : 0f),
            Schedule = r.GetValue(Schedule)!,
            SlowLearningSteps = r.GetValue(SlowLearning)!.Value,
            Activation = r.GetValue(Activation)!,
            Epochs = r.GetValue(Epochs)!.Value,
            BatchSize = r.GetValue(Batch)!.Value,
            Seed = r.GetValue(Seed)!.Value,
            Limit = r.GetValue(Limit),
            Threads = r.GetValue(Threads) ?? Environment.ProcessorCount,
            Save = r.GetValue(Save),
            Track = r.GetValue(Track),
            Store = r.GetValue(Store)!,
            RunName = r.GetValue(Name),
            DataDirectory = r.GetValue(DataDirectory),
            ActivitySmoothing = r.GetValue(ActivitySmoothing)!.Value,
            ActivityWarmup = r.GetValue(ActivityWarmup)!.Value,
            ActivityAbsoluteThreshold = r.GetValue(ActivityAbsoluteThreshold)!.Value,
            ActivityRelativeThreshold = r.GetValue(ActivityRelativeThreshold)!.Value,
            ActivityRoot = r.GetValue(ActivityRoot)!.Value,
            ActivityGrouping = r.GetValue(ActivityGrouping)!,
            ActivityDetail = r.GetValue(ActivityDetail)!,
            ActivityPerTensor = r.GetValue(ActivityPerTensor),
            ActivityLayers = r.GetValue(ActivityLayers)?.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries),
            Engine = r.GetValue(Engine)!,
            CheckpointEvery = r.GetValue(CheckpointEvery),
            CheckpointDirectory = r.GetValue(CheckpointDirectory),
            AutoAdjust = r.GetValue(AutoAdjust),
            AutoAdjustCooldown = r.GetValue(AutoAdjustCooldown)!.Value,
            AutoAdjustWarmup = r.GetValue(AutoAdjustWarmup)!.Value,
            AutoAdjustFactor = r.GetValue(AutoAdjustFactor)!.Value,
        };
    }

    /// <summary>Refuses options that would do nothing in the given combination (exit code 1).</summary>
    /// <param name="r">The parse result.</param>
    /// <exception cref="CliException">An option has no effect; the message says which and what to do.</exception>
    public void CheckCombinations(ParseResult r)
    {
        if (!r.GetValue(Track))
        {
            foreach (Option option in TrackingOnly.Where(o => Given(r, o)))
            {
                throw CliException.Usage($"{option.Name} has no effect without --track (it configures the recorded run). Add --track, or remove {option.Name}.");
            }
        }

        string dataset = (r.GetValue(Dataset) ?? "").Trim().ToLowerInvariant();
        if (Given(r, DataDirectory) && !DatasetSpec.IsFashionMnist(dataset))
        {
            throw CliException.Usage($"--data-dir has no effect with --dataset {r.GetValue(Dataset)} (it is the folder of the Fashion-MNIST files). Remove --data-dir, or use --dataset fashion-mnist.");
        }

        string optimizer = r.GetValue(Optimizer)!;
        if (Given(r, Momentum) && !s_momentumOptimizers.Contains(optimizer))
        {
            throw CliException.Usage($"--momentum has no effect with --optimizer {optimizer}. It applies to {string.Join(", ", s_momentumOptimizers)}; remove --momentum or choose one of them.");
        }

        string model = ModelSpec.Resolve(r.GetValue(Model) ?? "", dataset);
        if (Given(r, Activation) && !model.StartsWith("mlp", StringComparison.Ordinal))
        {
            throw CliException.Usage($"--activation has no effect with --model {model} (its activations are fixed). Remove --activation, or use an mlp model.");
        }

        foreach (Option option in new Option[] { AutoAdjustCooldown, AutoAdjustWarmup, AutoAdjustFactor }.Where(o => Given(r, o) && !r.GetValue(AutoAdjust)))
        {
            throw CliException.Usage($"{option.Name} has no effect without --auto-adjust. Add --auto-adjust, or remove {option.Name}.");
        }

        if (r.GetValue(AutoAdjust) && r.GetValue(Schedule)!.Trim() != "constant")
        {
            throw CliException.Usage($"--auto-adjust needs --schedule constant: it changes the learning rate itself, and --schedule {r.GetValue(Schedule)} would overwrite its changes. Remove --schedule, or remove --auto-adjust.");
        }

        if (r.GetValue(AutoAdjust) && r.GetValue(Engine) == "torchsharp")
        {
            throw CliException.Usage("--auto-adjust works with --engine managed only (the TorchSharp engine does not run the live advisor yet). Remove --auto-adjust, or use --engine managed.");
        }

        if (r.GetValue(ActivityDetail) == "unit" && r.GetValue(ActivityGrouping) == "tensor")
        {
            throw CliException.Usage("--activity-detail unit needs --activity-grouping element or unit: with tensor grouping there are no units.");
        }
    }

    private static bool Given(ParseResult r, Option option) => r.GetResult(option) is { Implicit: false };

    private static Option<string> Choice(string name, string description, string defaultValue, params string[] choices)
    {
        var option = new Option<string>(name) { Description = $"{description}: {string.Join(" | ", choices)} (default {defaultValue}).", DefaultValueFactory = _ => defaultValue };
        option.Validators.Add(result =>
        {
            string? value = result.GetValueOrDefault<string>();
            if (value is null || !choices.Contains(value, StringComparer.Ordinal))
            {
                result.AddError($"{name} '{value}' is not a valid choice; {name} takes one of: {string.Join(", ", choices)}.");
            }
        });
        return option;
    }
}
