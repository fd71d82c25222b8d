using System.Diagnostics;
using MLGradientInsight.Trainers.Data;
using MLGradientInsight.Trainers.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace MLGradientInsight.Trainers.Torch.Training;

// Inside the namespace: MLGradientInsight.Trainers has its own Tensor.
using Tensor = TorchSharp.torch.Tensor;

/// <summary>
/// Trains a TorchSharp module on a <see cref="Dataset"/> the way the managed <c>Trainer</c> does: the same shuffled batch
/// order for the same seed, softmax cross-entropy for classification and mean squared error for regression, the same
/// result records. Hooks run after <c>backward()</c> (<see cref="OnGradientsComputed"/>, where a
/// <see cref="Tracking.TorchActivityTracker"/> observes) and after the update (<see cref="OnStepCompleted"/>).
/// </summary>
/// <remarks>The dataset is copied to one libtorch tensor at the start of <see cref="Fit"/>; batches are gathered from it by
/// index. A non-finite loss stops the run (<see cref="TrainingStatus.NonFinite"/>). Not thread-safe.</remarks>
public sealed class TorchTrainer
{
    private readonly nn.Module<Tensor, Tensor> _model;
    private readonly optim.Optimizer _optimizer;
    private readonly TorchTrainerOptions _options;
    private readonly Handlers<TorchStepContext> _gradientHandlers = new();
    private readonly Handlers<TorchStepContext> _stepHandlers = new();
    private readonly Handlers<EpochSummary> _epochHandlers = new();
    private long _step;

    /// <summary>Creates a trainer.</summary>
    /// <param name="model">The module: (N, sample shape…) → (N, classes) logits, or (N, targets) for regression.</param>
    /// <param name="optimizer">The optimizer over the module's parameters.</param>
    /// <param name="options">The settings, or null for defaults.</param>
    /// <exception cref="ArgumentNullException"><paramref name="model"/> or <paramref name="optimizer"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A setting is out of range.</exception>
    public TorchTrainer(nn.Module<Tensor, Tensor> model, optim.Optimizer optimizer, TorchTrainerOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(optimizer);
        _options = options ?? new TorchTrainerOptions();
        _options.Validate();
        _model = model;
        _optimizer = optimizer;
    }

    /// <summary>Gets the module.</summary>
    public nn.Module<Tensor, Tensor> Model => _model;

    /// <summary>Gets the optimizer.</summary>
    public optim.Optimizer Optimizer => _optimizer;

    /// <summary>Gets the settings.</summary>
    public TorchTrainerOptions Options => _options;

    /// <summary>Runs <paramref name="handler"/> after every backward pass, before the update.</summary>
    /// <param name="handler">The hook.</param>
    /// <returns>Dispose to remove it.</returns>
    public IDisposable OnGradientsComputed(Action<TorchStepContext> handler) => _gradientHandlers.Add(handler);

    /// <summary>Runs <paramref name="handler"/> after every update.</summary>
    /// <param name="handler">The hook.</param>
    /// <returns>Dispose to remove it.</returns>
    public IDisposable OnStepCompleted(Action<TorchStepContext> handler) => _stepHandlers.Add(handler);

    /// <summary>Runs <paramref name="handler"/> after every epoch (after validation).</summary>
    /// <param name="handler">The hook.</param>
    /// <returns>Dispose to remove it.</returns>
    public IDisposable OnEpochCompleted(Action<EpochSummary> handler) => _epochHandlers.Add(handler);

    /// <summary>Trains for <see cref="TorchTrainerOptions.Epochs"/> epochs.</summary>
    /// <param name="train">The training set.</param>
    /// <param name="validation">An optional validation set evaluated after every epoch.</param>
    /// <param name="cancellationToken">Stops the run between steps.</param>
    /// <returns>How the run ended and the per-epoch metrics.</returns>
    public TrainingResult Fit(Dataset train, Dataset? validation = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(train);
        using DatasetTensors data = DatasetTensors.Create(train);
        optim.lr_scheduler.LRScheduler? scheduler = _options.Schedule?.Create(_optimizer, _options.Epochs);
        var epochs = new List<EpochSummary>();
        int[] order = [.. Enumerable.Range(0, train.Count)];
        var shuffler = new Random(_options.Seed);
        int batch = _options.BatchSize;
        var clock = new Stopwatch();
        long[] indices = new long[batch];
        for (int epoch = 1; epoch <= _options.Epochs; epoch++)
        {
            _model.train();
            if (_options.Shuffle)
            {
                shuffler.Shuffle(order);
            }

            double lossSum = 0;
            long correct = 0, seen = 0;
            var epochClock = Stopwatch.StartNew();
            int batches = (train.Count + batch - 1) / batch;
            for (int b = 0; b < batches; b++)
            {
                if (cancellationToken.IsCancellationRequested)
                {
                    return new TrainingResult(TrainingStatus.Cancelled, epochs, _step, null);
                }

                clock.Restart();
                int start = b * batch, size = Math.Min(batch, train.Count - start);
                using DisposeScope scope = torch.NewDisposeScope();
                for (int i = 0; i < size; i++)
                {
                    indices[i] = order[start + i];
                }

                Tensor index = torch.tensor(indices.AsSpan(0, size).ToArray());
                _optimizer.zero_grad();
                Tensor output = _model.call(data.Features.index_select(0, index));
                Tensor targets = data.Targets.index_select(0, index);
                Tensor lossTensor = data.Classification ? nn.functional.cross_entropy(output, targets) : nn.functional.mse_loss(output, targets);
                float loss = lossTensor.item<float>();
                long step = _step + 1;
                if (!float.IsFinite(loss))
                {
                    return new TrainingResult(TrainingStatus.NonFinite, epochs, _step, new NonFiniteReport(step, epoch, b, "loss", null, -1, loss, 1));
                }

                int batchCorrect = data.Classification ? (int)output.argmax(1).eq(targets).sum().item<long>() : -1;
                correct += Math.Max(0, batchCorrect);
                lossTensor.backward();
                _step = step;
                double learningRate = FirstLearningRate();
                _gradientHandlers.Publish(new TorchStepContext(step, epoch, b, size, loss, learningRate, batchCorrect, clock.Elapsed.TotalMilliseconds));
                _optimizer.step();
                _stepHandlers.Publish(new TorchStepContext(step, epoch, b, size, loss, learningRate, batchCorrect, clock.Elapsed.TotalMilliseconds));
                lossSum += (double)loss * size;
                seen += size;
            }

            epochClock.Stop();
            double trainLoss = lossSum / Math.Max(1, seen);
            EvaluationResult? v = validation is null ? null : Evaluate(validation);
            var summary = new EpochSummary(epoch, trainLoss, data.Classification ? (double)correct / Math.Max(1, seen) : double.NaN, v?.Loss ?? double.NaN, v?.Accuracy ?? double.NaN, _step, epochClock.Elapsed.TotalSeconds);
            epochs.Add(summary);
            if (scheduler is not null)
            {
                if (_options.Schedule!.UsesMetric)
                {
                    scheduler.step(v?.Loss ?? trainLoss, null);
                }
                else
                {
                    scheduler.step();
                }
            }

            _epochHandlers.Publish(summary);
        }

        return new TrainingResult(TrainingStatus.Completed, epochs, _step, null);
    }

    /// <summary>Computes the mean loss and accuracy on a dataset in evaluation mode (training mode is restored afterwards).</summary>
    /// <param name="data">The dataset.</param>
    /// <returns>The metrics.</returns>
    public EvaluationResult Evaluate(Dataset data)
    {
        ArgumentNullException.ThrowIfNull(data);
        using DatasetTensors tensors = DatasetTensors.Create(data);
        return EvaluateModule(_model, tensors, data.Count, _options.EvaluationBatchSize);
    }

    /// <summary>Mean loss (cross-entropy or MSE) and accuracy of a module on tensors, in evaluation mode without gradients; the module's mode is restored.</summary>
    internal static EvaluationResult EvaluateModule(nn.Module<Tensor, Tensor> model, DatasetTensors tensors, int count, int batchSize)
    {
        bool wasTraining = model.training;
        model.eval();
        try
        {
            using var noGrad = torch.no_grad();
            double lossSum = 0;
            long correct = 0;
            for (int start = 0; start < count; start += batchSize)
            {
                using DisposeScope scope = torch.NewDisposeScope();
                int size = Math.Min(batchSize, count - start);
                Tensor output = model.call(tensors.Features.narrow(0, start, size));
                Tensor targets = tensors.Targets.narrow(0, start, size);
                lossSum += size * (tensors.Classification ? nn.functional.cross_entropy(output, targets) : nn.functional.mse_loss(output, targets)).item<float>();
                if (tensors.Classification)
                {
                    correct += output.argmax(1).eq(targets).sum().item<long>();
                }
            }

            return new EvaluationResult(lossSum / Math.Max(1, count), tensors.Classification ? (double)correct / Math.Max(1, count) : double.NaN, count);
        }
        finally
        {
            model.train(wasTraining);
        }
    }

    private double FirstLearningRate()
    {
        foreach (optim.ILearningRateController group in _optimizer.ParamGroups)
        {
            return group.LearningRate;
        }

        return double.NaN;
    }

    /// <summary>Copy-on-write hook list: publishing reads one array, adding and removing swap it.</summary>
    private sealed class Handlers<T>
    {
        private Action<T>[] _handlers = [];

        public IDisposable Add(Action<T> handler)
        {
            ArgumentNullException.ThrowIfNull(handler);
            Swap(h => [.. h, handler]);
            return new Removal(this, handler);
        }

        public void Publish(T value)
        {
            foreach (Action<T> h in Volatile.Read(ref _handlers))
            {
                h(value);
            }
        }

        private void Swap(Func<Action<T>[], Action<T>[]> change)
        {
            Action<T>[] current;
            do
            {
                current = Volatile.Read(ref _handlers);
            }
            while (Interlocked.CompareExchange(ref _handlers, change(current), current) != current);
        }

        private sealed class Removal(Handlers<T> owner, Action<T> handler) : IDisposable
        {
            private int _done;

            public void Dispose()
            {
                if (Interlocked.Exchange(ref _done, 1) == 0)
                {
                    owner.Swap(h =>
                    {
                        int i = Array.IndexOf(h, handler);
                        return i < 0 ? h : [.. h[..i], .. h[(i + 1)..]];
                    });
                }
            }
        }
    }
}
