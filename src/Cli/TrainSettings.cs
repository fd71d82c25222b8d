namespace MLGradientInsight.Cli;

/// <summary>Everything <c>mlgi train</c> was asked to do (also stored as the run's configuration).</summary>
internal sealed record TrainSettings
{
    public string Model { get; init; } = "";

    public string Engine { get; init; } = "managed";

    public string Dataset { get; init; } = "";

    public string Optimizer { get; init; } = "sgd";

    public float LearningRate { get; init; } = 0.01f;

    public float? Momentum { get; init; }

    public float WeightDecay { get; init; }

    public string Schedule { get; init; } = "constant";

    public int SlowLearningSteps { get; init; } = 1;

    public string Activation { get; init; } = "relu";

    public int Epochs { get; init; } = 3;

    public int BatchSize { get; init; } = 64;

    public int Seed { get; init; } = 1;

    public int? Limit { get; init; }

    public int Threads { get; init; } = Environment.ProcessorCount;

    public string? Save { get; init; }

    public bool Track { get; init; }

    public bool AutoAdjust { get; init; }

    public int AutoAdjustCooldown { get; init; } = 200;

    public int AutoAdjustWarmup { get; init; } = 100;

    public float AutoAdjustFactor { get; init; } = 2;

    public string Store { get; init; } = "runs.db";

    public string? RunName { get; init; }

    public string? DataDirectory { get; init; }

    public float ActivitySmoothing { get; init; } = Transforms.Activity.GradientActivityOptions.DefaultSmoothing;

    public int ActivityWarmup { get; init; } = Transforms.Activity.GradientActivityOptions.DefaultWarmupSteps;

    public float ActivityAbsoluteThreshold { get; init; } = Transforms.Activity.GradientActivityOptions.DefaultAbsoluteThreshold;

    public float ActivityRelativeThreshold { get; init; } = Transforms.Activity.GradientActivityOptions.DefaultRelativeThreshold;

    public float ActivityRoot { get; init; } = Transforms.Activity.GradientActivityOptions.DefaultRootExponent;

    public string ActivityGrouping { get; init; } = "element";

    public string ActivityDetail { get; init; } = "layer";

    public bool ActivityPerTensor { get; init; }

    public string[]? ActivityLayers { get; init; }

    public int? CheckpointEvery { get; init; }

    public string? CheckpointDirectory { get; init; }
}
