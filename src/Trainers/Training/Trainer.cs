using System.Diagnostics;
using System.Numerics.Tensors;
using MLGradientInsight.Trainers.Data;
using MLGradientInsight.Trainers.Losses;
using MLGradientInsight.Trainers.Optimizers;

namespace MLGradientInsight.Trainers.Training;

/// <summary>
/// Runs mini-batch training of a <see cref="Sequential"/> model and publishes every step to subscribers.
/// </summary>
/// <remarks>
/// Per step: forward, loss, backward (gradients zeroed first), NaN/∞ check of loss and gradients,
/// <see cref="OnGradientsComputed"/> hooks, optimizer update, NaN/∞ check of the weights,
/// <see cref="OnStepCompleted"/> hooks, scheduler. Batch buffers are reused; after the first
/// batch the loop itself allocates nothing per step. Same seed and one thread ⇒ bit-identical run.
/// </remarks>
public sealed class Trainer
{
    private readonly Sequential _model;
    private readonly Loss _loss;
    private readonly Optimizer _optimizer;
    private readonly TrainerOptions _options;
    private readonly int[] _groupOfParameter;
    private readonly Tensor _batchFeatures = new(1);
    private readonly Tensor _batchTargets = new(1);
    private readonly HandlerList<TrainingStepHandler> _gradientHandlers = new();
    private readonly HandlerList<TrainingStepHandler> _stepHandlers = new();
    private readonly HandlerList<Action<EpochSummary>> _epochHandlers = new();
    private long _step;

    /// <summary>Creates a trainer.</summary>
    /// <param name="model">The model.</param>
    /// <param name="loss">The loss.</param>
    /// <param name="optimizer">The optimizer; its groups must cover the model's parameters.</param>
    /// <param name="options">The settings, or null for defaults.</param>
    /// <exception cref="ArgumentException">A model parameter is in no optimizer group.</exception>
    public Trainer(Sequential model, Loss loss, Optimizer optimizer, TrainerOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(loss);
        ArgumentNullException.ThrowIfNull(optimizer);
        _options = options ?? new TrainerOptions();
        _options.Validate();
        _model = model;
        _loss = loss;
        _optimizer = optimizer;
        _groupOfParameter = new int[model.Parameters.Count];
        for (int i = 0; i < model.Parameters.Count; i++)
        {
            Parameter p = model.Parameters[i];
            int g = -1;
            for (int j = 0; j < optimizer.Groups.Count && g < 0; j++)
            {
                if (optimizer.Groups[j].Parameters.Contains(p))
                {
                    g = j;
                }
            }

            _groupOfParameter[i] = g >= 0 ? g : throw new ArgumentException($"Parameter '{p.Name}' is in no optimizer group.", nameof(optimizer));
        }
    }

    /// <summary>Gets the model.</summary>
    public Sequential Model => _model;

    /// <summary>Gets the optimizer.</summary>
    public Optimizer Optimizer => _optimizer;

    /// <summary>Gets the settings.</summary>
    public TrainerOptions Options => _options;

    /// <summary>Gets the number of optimizer steps taken so far.</summary>
    public long Step => _step;

    /// <summary>Subscribes to every step after backward, before the optimizer update.</summary>
    /// <param name="handler">The handler; it must not keep the spans past the call.</param>
    /// <returns>Dispose to unsubscribe.</returns>
    public IDisposable OnGradientsComputed(TrainingStepHandler handler) => _gradientHandlers.Add(handler);

    /// <summary>Subscribes to every step after the optimizer update.</summary>
    /// <param name="handler">The handler.</param>
    /// <returns>Dispose to unsubscribe.</returns>
    public IDisposable OnStepCompleted(TrainingStepHandler handler) => _stepHandlers.Add(handler);

    /// <summary>Subscribes to the end of every epoch.</summary>
    /// <param name="handler">The handler.</param>
    /// <returns>Dispose to unsubscribe.</returns>
    public IDisposable OnEpochCompleted(Action<EpochSummary> handler) => _epochHandlers.Add(handler);

    /// <summary>Trains for <see cref="TrainerOptions.Epochs"/> epochs.</summary>
    /// <param name="train">The training set.</param>
    /// <param name="validation">An optional validation set evaluated after every epoch.</param>
    /// <param name="cancellationToken">Stops the run between steps.</param>
    /// <returns>How the run ended and the per-epoch metrics. A NaN/∞ ends the run with <see cref="TrainingStatus.NonFinite"/> and a report of where it appeared.</returns>
    public TrainingResult Fit(Dataset train, Dataset? validation = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(train);
        CheckCompatible(train, nameof(train));
        if (validation is not null)
        {
            CheckCompatible(validation, nameof(validation));
        }

        var epochs = new List<EpochSummary>();
        int[] order = [.. Enumerable.Range(0, train.Count)];
        var shuffler = new Random(_options.Seed);
        int batch = _options.BatchSize;
        IReadOnlyList<Parameter> parameters = _model.Parameters;
        var clock = new Stopwatch();
        for (int epoch = 1; epoch <= _options.Epochs; epoch++)
        {
            _model.SetTraining(true);
            if (_options.Shuffle)
            {
                shuffler.Shuffle(order);
            }

            double lossSum = 0;
            long correct = 0, seen = 0;
            var epochClock = Stopwatch.StartNew();
            int batches = _options.DropLast ? train.Count / batch : (train.Count + batch - 1) / batch;
            for (int b = 0; b < batches; b++)
            {
                if (cancellationToken.IsCancellationRequested)
                {
                    return new TrainingResult(TrainingStatus.Cancelled, epochs, _step, null);
                }

                clock.Restart();
                int start = b * batch;
                int size = Math.Min(batch, train.Count - start);
                train.CopyBatch(order.AsSpan(start, size), _batchFeatures, _batchTargets);
                _optimizer.ZeroGrad();
                Tensor output = _model.Forward(_batchFeatures);
                float loss = _loss.Forward(output, _batchTargets);
                long step = _step + 1;
                if (!float.IsFinite(loss))
                {
                    return Stop(epochs, new NonFiniteReport(step, epoch, b, "loss", null, -1, loss, 1));
                }

                int batchCorrect = _loss.IsClassification ? _loss.CountCorrect(output, _batchTargets) : -1;
                if (batchCorrect > 0)
                {
                    correct += batchCorrect;
                }

                _model.Backward(_loss.Backward());
                if (FindNonFinite(parameters, gradients: true, step, epoch, b) is { } gradientReport)
                {
                    return Stop(epochs, gradientReport);
                }

                _step = step;
                Publish(_gradientHandlers.Current, new TrainingStepContext(step, epoch, b, size, loss, _optimizer, parameters, _groupOfParameter, clock.Elapsed.TotalMilliseconds, batchCorrect));
                _optimizer.Step();
                if (FindNonFinite(parameters, gradients: false, step, epoch, b) is { } weightReport)
                {
                    return Stop(epochs, weightReport);
                }

                Publish(_stepHandlers.Current, new TrainingStepContext(step, epoch, b, size, loss, _optimizer, parameters, _groupOfParameter, clock.Elapsed.TotalMilliseconds, batchCorrect));
                _options.Scheduler?.OnStep(_optimizer, step);
                lossSum += (double)loss * size;
                seen += size;
            }

            epochClock.Stop();
            double trainLoss = lossSum / Math.Max(1, seen);
            double trainAccuracy = _loss.IsClassification ? (double)correct / Math.Max(1, seen) : double.NaN;
            EvaluationResult? v = validation is null ? null : Evaluate(validation);
            var summary = new EpochSummary(epoch, trainLoss, trainAccuracy, v?.Loss ?? double.NaN, v?.Accuracy ?? double.NaN, _step, epochClock.Elapsed.TotalSeconds);
            epochs.Add(summary);
            _options.Scheduler?.OnEpochEnd(_optimizer, epoch, (float)(v?.Loss ?? trainLoss));
            foreach (Action<EpochSummary> h in _epochHandlers.Current)
            {
                h(summary);
            }
        }

        return new TrainingResult(TrainingStatus.Completed, epochs, _step, null);
    }

    /// <summary>Computes the mean loss and accuracy on a dataset in evaluation mode (the training mode is restored afterwards).</summary>
    /// <param name="data">The dataset.</param>
    /// <returns>The metrics.</returns>
    public EvaluationResult Evaluate(Dataset data)
    {
        ArgumentNullException.ThrowIfNull(data);
        CheckCompatible(data, nameof(data));
        return Evaluate(_model, _loss, data, _options.EvaluationBatchSize);
    }

    /// <summary>
    /// Computes a model's mean loss and accuracy on a dataset in batches, in evaluation mode (the training mode is restored
    /// afterwards); no trainer or optimizer needed.
    /// </summary>
    /// <param name="model">The model.</param>
    /// <param name="loss">The loss.</param>
    /// <param name="data">The dataset; its targets must fit the loss.</param>
    /// <param name="batchSize">Samples per forward pass.</param>
    /// <returns>The metrics (accuracy NaN for a regression loss: there is none).</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="batchSize"/> is not positive.</exception>
    public static EvaluationResult Evaluate(Sequential model, Loss loss, Dataset data, int batchSize)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(loss);
        ArgumentNullException.ThrowIfNull(data);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(batchSize);
        bool wasTraining = model.IsTraining;
        model.SetTraining(false);
        try
        {
            var features = new Tensor(1);
            var targets = new Tensor(1);
            int[] indices = new int[batchSize];
            double lossSum = 0;
            long correct = 0;
            for (int start = 0; start < data.Count; start += batchSize)
            {
                int size = Math.Min(batchSize, data.Count - start);
                for (int i = 0; i < size; i++)
                {
                    indices[i] = start + i;
                }

                data.CopyBatch(indices.AsSpan(0, size), features, targets);
                Tensor output = model.Forward(features);
                lossSum += (double)loss.Forward(output, targets) * size;
                if (loss.IsClassification)
                {
                    correct += loss.CountCorrect(output, targets);
                }
            }

            return new EvaluationResult(lossSum / data.Count, loss.IsClassification ? (double)correct / data.Count : double.NaN, data.Count);
        }
        finally
        {
            model.SetTraining(wasTraining);
        }
    }

    private void CheckCompatible(Dataset data, string paramName)
    {
        if (_loss.IsClassification != (data.ClassCount > 0))
        {
            throw new ArgumentException(
                $"Dataset '{data.Name}' has {(data.ClassCount > 0 ? "class" : "regression")} targets but the loss {_loss.GetType().Name} expects {(_loss.IsClassification ? "class indices" : "regression values")}.",
                paramName);
        }
    }

    private static void Publish(TrainingStepHandler[] handlers, in TrainingStepContext context)
    {
        foreach (TrainingStepHandler h in handlers)
        {
            h(in context);
        }
    }

    private TrainingResult Stop(List<EpochSummary> epochs, NonFiniteReport report) =>
        new(TrainingStatus.NonFinite, epochs, _step, report);

    private static NonFiniteReport? FindNonFinite(IReadOnlyList<Parameter> parameters, bool gradients, long step, int epoch, int batch)
    {
        // An indexed loop: foreach over the interface would allocate an enumerator twice per step.
        for (int pi = 0; pi < parameters.Count; pi++)
        {
            Parameter p = parameters[pi];
            ReadOnlySpan<float> values = gradients ? p.Gradients : p.Weights;

            // The sum is finite whenever every element is (barring overflow, which the scan below rules out).
            if (float.IsFinite(TensorPrimitives.Sum(values)))
            {
                continue;
            }

            int first = -1, count = 0;
            for (int i = 0; i < values.Length; i++)
            {
                if (!float.IsFinite(values[i]))
                {
                    count++;
                    if (first < 0)
                    {
                        first = i;
                    }
                }
            }

            if (count > 0)
            {
                return new NonFiniteReport(step, epoch, batch, gradients ? "gradient" : "weights", p.Name, first, values[first], count);
            }
        }

        return null;
    }

    /// <summary>
    /// The subscribers of one hook, as an immutable array the training loop reads without locking. Each subscription
    /// removes exactly its own entry (by registration, not by delegate equality), so disposing one subscription of a
    /// handler subscribed twice, or to two hooks, leaves the others in place.
    /// </summary>
    private sealed class HandlerList<T>
        where T : Delegate
    {
        private readonly object _gate = new();
        private T[] _handlers = [];
        private object[] _tokens = [];

        public T[] Current => Volatile.Read(ref _handlers);

        public IDisposable Add(T handler)
        {
            ArgumentNullException.ThrowIfNull(handler);
            var token = new Subscription(this);
            lock (_gate)
            {
                _tokens = [.. _tokens, token];
                Volatile.Write(ref _handlers, [.. _handlers, handler]);
            }

            return token;
        }

        private void Remove(object token)
        {
            lock (_gate)
            {
                int index = Array.IndexOf(_tokens, token);
                if (index < 0)
                {
                    return;
                }

                _tokens = [.. _tokens.AsSpan(0, index), .. _tokens.AsSpan(index + 1)];
                Volatile.Write(ref _handlers, [.. _handlers.AsSpan(0, index), .. _handlers.AsSpan(index + 1)]);
            }
        }

        private sealed class Subscription(HandlerList<T> owner) : IDisposable
        {
            private HandlerList<T>? _owner = owner;

            public void Dispose() => Interlocked.Exchange(ref _owner, null)?.Remove(this);
        }
    }
}
