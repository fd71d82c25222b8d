using MLGradientInsight.Trainers.MLNet;
using MLGradientInsight.Trainers.Optimizers;
using MLGradientInsight.Trainers.Torch.Models;
using MLGradientInsight.Trainers.Torch.Tracking;
using MLGradientInsight.Trainers.Torch.Training;
using MLGradientInsight.Trainers.Training;
using MLGradientInsight.Transforms.Store;
using TorchSharp;
using static TorchSharp.torch;

namespace MLGradientInsight.Trainers.Torch.MLNet;

// Inside the namespace: MLGradientInsight.Trainers has its own Tensor.
using Tensor = TorchSharp.torch.Tensor;

/// <summary>
/// libtorch through TorchSharp as the engine of the ML.NET <c>NeuralNetwork</c> trainers:
/// <c>new NeuralNetworkOptions { Engine = TorchSharpEngine.Default, … }</c>.
/// </summary>
/// <remarks>
/// The managed network built by the trainer (same seed, same initial weights) is copied into a TorchSharp module
/// (<see cref="TorchModels.FromSequential"/>), trained by <see cref="TorchTrainer"/> with the same batch order, optimizer and
/// schedule, tracked by a <see cref="TorchActivityTracker"/> into the same sinks, and the trained weights are copied back
/// (<see cref="TorchModels.CopyTo"/>), so the fitted model scores, evaluates and saves as with the managed engine. libtorch
/// uses its own thread setting (<c>torch.set_num_threads</c>).
/// </remarks>
public sealed class TorchSharpEngine : INeuralNetworkEngine
{
    private TorchSharpEngine()
    {
    }

    /// <summary>Gets the engine.</summary>
    public static TorchSharpEngine Default { get; } = new();

    /// <inheritdoc/>
    public string Name => "torchsharp";

    /// <inheritdoc/>
    /// <exception cref="TorchLoadException">libtorch could not be loaded.</exception>
    public TrainingResult Train(NeuralNetworkTrainingJob job)
    {
        ArgumentNullException.ThrowIfNull(job);
        NeuralNetworkOptions o = job.Options;
        TorchRuntime.EnsureLoaded();
        using nn.Module<Tensor, Tensor> module = TorchModels.FromSequential(job.Network);
        using optim.Optimizer optimizer = TorchOptimizers.Create(o.Optimizer, module, o.LearningRate, o.Momentum, o.WeightDecay);
        var trainer = new TorchTrainer(module, optimizer, new TorchTrainerOptions
        {
            Epochs = o.Epochs,
            BatchSize = o.BatchSize,
            Seed = job.Seed,
            Schedule = OptimizerSpec.CreateSchedule(o.Schedule, o.Epochs) is { } schedule ? TorchSchedule.From(schedule) : null,
        });

        TorchActivityTracker? tracking = job.ActivitySink is { } sink ? TorchActivityTracker.Attach(module, sink, optimizer, job.ActivityOptions) : null;
        var subscriptions = new List<IDisposable>();
        try
        {
            if (tracking is not null)
            {
                subscriptions.Add(trainer.OnGradientsComputed(c =>
                {
                    tracking.Epoch = c.Epoch;
                    tracking.Observe(c.Loss, c.LearningRate);
                }));
                subscriptions.Add(trainer.OnStepCompleted(_ => tracking.Flush()));
            }

            // A RunWriter given as the activity sink writes the step rows itself (TorchActivityTracker).
            if (job.Steps is { } w && !ReferenceEquals(job.ActivitySink, w))
            {
                subscriptions.Add(trainer.OnStepCompleted(c => w.WriteStep(c.Step, c.Epoch, c.Loss, c.LearningRate, c.Milliseconds)));
                subscriptions.Add(trainer.OnEpochCompleted(w.WriteEpoch));
            }

            if (job.Progress is { } progress)
            {
                subscriptions.Add(trainer.OnStepCompleted(c => progress(new NeuralNetworkProgress(
                    c.Step, c.Epoch, o.Epochs, c.Loss, tracking is { Tracker.LastStep.HasActivity: true } && tracking.Tracker.LastStep.Step == c.Step ? tracking.Tracker.LastStep.Network.Activity : double.NaN))));
            }

            if (job.EpochCompleted is { } epochCompleted)
            {
                subscriptions.Add(trainer.OnEpochCompleted(epochCompleted));
            }

            TrainingResult result = trainer.Fit(job.Train, job.Validation);
            tracking?.Dispose();
            TorchModels.CopyTo(module, job.Network);
            return result;
        }
        finally
        {
            foreach (IDisposable s in subscriptions)
            {
                s.Dispose();
            }

            tracking?.Dispose();
        }
    }
}
