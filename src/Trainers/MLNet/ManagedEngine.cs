using MLGradientInsight.Trainers.Losses;
using MLGradientInsight.Trainers.Optimizers;
using MLGradientInsight.Trainers.Training;
using MLGradientInsight.Transforms.Activity;

namespace MLGradientInsight.Trainers.MLNet;

/// <summary>Our managed engine (<see cref="Trainer"/>) as an <see cref="INeuralNetworkEngine"/>: the default of <see cref="NeuralNetworkOptions.Engine"/>.</summary>
public sealed class ManagedEngine : INeuralNetworkEngine
{
    private ManagedEngine()
    {
    }

    /// <summary>Gets the engine.</summary>
    public static ManagedEngine Default { get; } = new();

    /// <inheritdoc/>
    public string Name => "managed";

    /// <inheritdoc/>
    public TrainingResult Train(NeuralNetworkTrainingJob job)
    {
        ArgumentNullException.ThrowIfNull(job);
        NeuralNetworkOptions o = job.Options;
        Sequential network = job.Network;
        Loss loss = job.Multiclass ? new SoftmaxCrossEntropyLoss() : new MseLoss();
        Optimizer optimizer = OptimizerSpec.Create(o.Optimizer, network, o.LearningRate, o.Momentum, o.WeightDecay);
        var trainer = new Trainer(network, loss, optimizer, new TrainerOptions
        {
            Epochs = o.Epochs,
            BatchSize = o.BatchSize,
            Seed = job.Seed,
            Scheduler = OptimizerSpec.CreateSchedule(o.Schedule, o.Epochs),
        });

        var subscriptions = new List<IDisposable>();
        try
        {
            GradientActivityTracker? tracker = null;
            if (job.ActivitySink is { } sink)
            {
                tracker = network.CreateActivityTracker(job.ActivityOptions);
                subscriptions.Add(tracker.Attach(trainer, sink));
            }

            if (job.Steps is { } w)
            {
                subscriptions.Add(trainer.OnStepCompleted((in TrainingStepContext c) => w.WriteStep(in c)));
                subscriptions.Add(trainer.OnEpochCompleted(w.WriteEpoch));
            }

            if (job.Progress is { } progress)
            {
                subscriptions.Add(trainer.OnStepCompleted((in TrainingStepContext c) =>
                    progress(new NeuralNetworkProgress(c.Step, c.Epoch, o.Epochs, c.Loss, tracker is { LastStep.HasActivity: true } && tracker.LastStep.Step == c.Step ? tracker.LastStep.Network.Activity : double.NaN))));
            }

            if (job.EpochCompleted is { } epochCompleted)
            {
                subscriptions.Add(trainer.OnEpochCompleted(epochCompleted));
            }

            return trainer.Fit(job.Train, job.Validation);
        }
        finally
        {
            foreach (IDisposable s in subscriptions)
            {
                s.Dispose();
            }
        }
    }
}
