using MLGradientInsight.Transforms.Activity;
using MLGradientInsight.Transforms.Store;

namespace MLGradientInsight.Trainers.Training;

/// <summary>
/// Our engine's adapter to the engine-agnostic activity core (MLGradientInsight.Transforms): describes a model's
/// parameters as <see cref="TrackedTensor"/>s, attaches a <see cref="GradientActivityTracker"/> to a <see cref="Trainer"/>,
/// and records trainer steps and epochs in a <see cref="RunWriter"/>.
/// </summary>
public static class ActivityTracking
{
    /// <summary>Describes parameters as tracked tensors (name, layer, shape; unit axis 0: Linear and Conv2d weights are (out, …)).</summary>
    /// <param name="parameters">The parameters, e.g. <c>Sequential.Parameters</c>; tensor index i = parameter i.</param>
    /// <returns>The layout for <see cref="GradientActivityTracker(IReadOnlyList{TrackedTensor}, GradientActivityOptions?)"/>.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="parameters"/> is null.</exception>
    public static IReadOnlyList<TrackedTensor> ToTrackedTensors(this IReadOnlyList<Parameter> parameters)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        return [.. parameters.Select(p => new TrackedTensor(p.LayerName, p.Name, p.Shape.ToArray()))];
    }

    /// <summary>Creates a tracker for a model's parameters.</summary>
    /// <param name="model">The model.</param>
    /// <param name="options">The settings, or null for defaults.</param>
    /// <returns>The tracker, tensor index i = <c>model.Parameters[i]</c>.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="model"/> is null.</exception>
    /// <exception cref="ArgumentException">The model has no parameters, or <see cref="GradientActivityOptions.Layers"/> names an unknown layer.</exception>
    public static GradientActivityTracker CreateActivityTracker(this Sequential model, GradientActivityOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        return new GradientActivityTracker(model.Parameters.ToTrackedTensors(), options);
    }

    /// <summary>
    /// Attaches a tracker to a trainer: every step's gradients are tracked (after backward, before the update) and,
    /// after the update, the records (with weight and update norms and per-layer learning rates) are written to
    /// <paramref name="sink"/>.
    /// </summary>
    /// <param name="tracker">The tracker; its layout must be the trainer model's parameters (<see cref="ToTrackedTensors"/>).</param>
    /// <param name="trainer">The trainer.</param>
    /// <param name="sink">Receives the records.</param>
    /// <returns>Dispose to detach.</returns>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    /// <exception cref="ArgumentException">The model's parameters do not match the tracker's layout.</exception>
    /// <exception cref="InvalidOperationException">The tracker is already attached.</exception>
    public static IDisposable Attach(this GradientActivityTracker tracker, Trainer trainer, IActivitySink sink)
    {
        ArgumentNullException.ThrowIfNull(tracker);
        ArgumentNullException.ThrowIfNull(trainer);
        ArgumentNullException.ThrowIfNull(sink);
        IReadOnlyList<Parameter> parameters = trainer.Model.Parameters;
        IReadOnlyList<TrackedTensor> tensors = tracker.Tensors;
        if (parameters.Count != tensors.Count)
        {
            throw new ArgumentException($"The model has {parameters.Count} parameters but the tracker was built for {tensors.Count}.", nameof(trainer));
        }

        for (int i = 0; i < parameters.Count; i++)
        {
            if (parameters[i].Name != tensors[i].Name || parameters[i].Length != tensors[i].Length)
            {
                throw new ArgumentException(
                    $"Parameter {i} is '{parameters[i].Name}' {Tensor.FormatShape(parameters[i].Shape)} but the tracker expects '{tensors[i].Name}' {TrackedTensor.FormatShape(tensors[i].Shape)}.",
                    nameof(trainer));
            }
        }

        return new Attachment(tracker, trainer, sink);
    }

    /// <summary>Enqueues the step row of a trainer step (loss, learning rate of the first group, duration).</summary>
    /// <param name="writer">The run writer.</param>
    /// <param name="context">The step, as passed to a <see cref="TrainingStepHandler"/>.</param>
    /// <exception cref="ArgumentNullException"><paramref name="writer"/> is null.</exception>
    /// <exception cref="InvalidOperationException">The run is finished, or the background writer failed.</exception>
    public static void WriteStep(this RunWriter writer, in TrainingStepContext context)
    {
        ArgumentNullException.ThrowIfNull(writer);
        double learningRate = context.Optimizer.Groups.Count > 0 ? context.Optimizer.Groups[0].LearningRate : double.NaN;
        writer.WriteStep(context.Step, context.Epoch, context.Loss, learningRate, context.StepMilliseconds);
    }

    /// <summary>Enqueues the epoch row of a trainer epoch summary.</summary>
    /// <param name="writer">The run writer.</param>
    /// <param name="summary">The summary, as passed to an <see cref="Trainer.OnEpochCompleted"/> handler.</param>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    /// <exception cref="InvalidOperationException">The run is finished, or the background writer failed.</exception>
    public static void WriteEpoch(this RunWriter writer, EpochSummary summary)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(summary);
        writer.WriteEpoch(new EpochRecord
        {
            Epoch = summary.Epoch,
            TrainLoss = summary.TrainLoss,
            TrainAccuracy = summary.TrainAccuracy,
            ValidationLoss = summary.ValidationLoss,
            ValidationAccuracy = summary.ValidationAccuracy,
        });
    }

    /// <summary>Feeds one tracker from one trainer's step hooks; allocation-free per step.</summary>
    private sealed class Attachment : IDisposable
    {
        private readonly GradientActivityTracker _tracker;
        private readonly IActivitySink _sink;
        private readonly int[] _firstTensorOfLayer;
        private IDisposable? _claim;
        private IDisposable? _gradients;
        private IDisposable? _completed;

        public Attachment(GradientActivityTracker tracker, Trainer trainer, IActivitySink sink)
        {
            _tracker = tracker;
            _sink = sink;
            _firstTensorOfLayer = new int[tracker.LayerCount];
            for (int layer = 0; layer < _firstTensorOfLayer.Length; layer++)
            {
                _firstTensorOfLayer[layer] = tracker.TensorsOfLayer(layer)[0];
            }

            _claim = tracker.Claim();
            _gradients = trainer.OnGradientsComputed(OnGradients);
            _completed = trainer.OnStepCompleted(OnCompleted);
        }

        public void Dispose()
        {
            Interlocked.Exchange(ref _gradients, null)?.Dispose();
            Interlocked.Exchange(ref _completed, null)?.Dispose();
            Interlocked.Exchange(ref _claim, null)?.Dispose();
        }

        private void OnGradients(in TrainingStepContext context)
        {
            GradientActivityTracker t = _tracker;
            t.BeginStep(context.Step, context.Epoch, context.Loss, context.ParameterCount > 0 ? context.LearningRate(0) : double.NaN);
            for (int i = 0; i < context.ParameterCount; i++)
            {
                if (t.LayerOfTensor(i) >= 0)
                {
                    t.AddGradient(i, context.Gradients(i));
                }
            }

            t.EndStep();
            if (t.WantsWeights)
            {
                for (int i = 0; i < context.ParameterCount; i++)
                {
                    if (t.LayerOfTensor(i) >= 0)
                    {
                        t.SetWeightsBeforeUpdate(i, context.Weights(i));
                    }
                }
            }
        }

        private void OnCompleted(in TrainingStepContext context)
        {
            GradientActivityTracker t = _tracker;
            if (!t.LastStep.HasActivity || t.LastStep.Step != context.Step)
            {
                return;
            }

            for (int layer = 0; layer < _firstTensorOfLayer.Length; layer++)
            {
                t.SetLearningRate(layer, context.LearningRate(_firstTensorOfLayer[layer]));
            }

            if (t.WantsWeights)
            {
                for (int i = 0; i < context.ParameterCount; i++)
                {
                    if (t.LayerOfTensor(i) >= 0)
                    {
                        t.SetWeightsAfterUpdate(i, context.Weights(i));
                    }
                }
            }

            t.WriteRecords(_sink);
        }
    }
}
