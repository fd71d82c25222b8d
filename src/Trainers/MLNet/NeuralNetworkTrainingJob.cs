using MLGradientInsight.Trainers.Data;
using MLGradientInsight.Trainers.Training;
using MLGradientInsight.Transforms.Activity;
using MLGradientInsight.Transforms.Store;

namespace MLGradientInsight.Trainers.MLNet;

/// <summary>One training run handed by the ML.NET trainer to an <see cref="INeuralNetworkEngine"/>.</summary>
public sealed class NeuralNetworkTrainingJob
{
    /// <summary>Gets the network to train (in place); its initial weights are set.</summary>
    public required Sequential Network { get; init; }

    /// <summary>Gets the training set.</summary>
    public required Dataset Train { get; init; }

    /// <summary>Gets the validation set evaluated after every epoch, or null.</summary>
    public Dataset? Validation { get; init; }

    /// <summary>Gets whether this is multiclass classification (softmax cross-entropy); false: regression (mean squared error).</summary>
    public bool Multiclass { get; init; }

    /// <summary>Gets the validated settings: optimizer, learning rate, momentum, weight decay, schedule, epochs, batch size.</summary>
    public required NeuralNetworkOptions Options { get; init; }

    /// <summary>Gets the seed of the batch order.</summary>
    public int Seed { get; init; }

    /// <summary>Gets the sink of the activity records, or null when activity is not tracked.</summary>
    public IActivitySink? ActivitySink { get; init; }

    /// <summary>Gets the tracker settings (run id filled in).</summary>
    public GradientActivityOptions ActivityOptions { get; init; } = new();

    /// <summary>Gets the run to write one step row per step and one epoch row per epoch to, or null.</summary>
    public RunWriter? Steps { get; init; }

    /// <summary>Gets a receiver of every step (loss and network activity), or null.</summary>
    public Action<NeuralNetworkProgress>? Progress { get; init; }

    /// <summary>Gets a receiver of every epoch's summary, or null.</summary>
    public Action<EpochSummary>? EpochCompleted { get; init; }
}
