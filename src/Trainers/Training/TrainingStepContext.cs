using MLGradientInsight.Trainers.Optimizers;

namespace MLGradientInsight.Trainers.Training;

/// <summary>Receives one training step; see <see cref="Trainer.OnGradientsComputed"/>.</summary>
/// <param name="context">The step, valid only during the call.</param>
public delegate void TrainingStepHandler(in TrainingStepContext context);

/// <summary>
/// What a step hook sees: counters, the batch loss, learning rates, and read-only views of every
/// parameter's weights and gradient. A plain struct passed by reference: no allocation per step.
/// </summary>
public readonly struct TrainingStepContext
{
    private readonly IReadOnlyList<Parameter> _parameters;
    private readonly int[] _groupOfParameter;

    internal TrainingStepContext(
        long step, int epoch, int batchIndex, int batchSize, float loss, Optimizer optimizer,
        IReadOnlyList<Parameter> parameters, int[] groupOfParameter, double stepMilliseconds, int correct = -1)
    {
        Correct = correct;
        Step = step;
        Epoch = epoch;
        BatchIndex = batchIndex;
        BatchSize = batchSize;
        Loss = loss;
        Optimizer = optimizer;
        _parameters = parameters;
        _groupOfParameter = groupOfParameter;
        StepMilliseconds = stepMilliseconds;
    }

    /// <summary>Gets the 1-based global step (optimizer update count including this one).</summary>
    public long Step { get; }

    /// <summary>Gets the 1-based epoch.</summary>
    public int Epoch { get; }

    /// <summary>Gets the 0-based batch index within the epoch.</summary>
    public int BatchIndex { get; }

    /// <summary>Gets the number of samples in the batch.</summary>
    public int BatchSize { get; }

    /// <summary>Gets the mean loss of the batch.</summary>
    public float Loss { get; }

    /// <summary>Gets the number of samples of the batch the model classified correctly before the update, or −1 for regression losses.</summary>
    public int Correct { get; }

    /// <summary>Gets the wall time of the step so far in milliseconds (forward + backward, plus the update in the after-update hook).</summary>
    public double StepMilliseconds { get; }

    /// <summary>Gets the optimizer (for its groups and learning rates).</summary>
    public Optimizer Optimizer { get; }

    /// <summary>Gets the number of parameters (tensors).</summary>
    public int ParameterCount => _parameters.Count;

    /// <summary>Gets the parameters' descriptions (names, shapes). Use <see cref="Weights"/> and <see cref="Gradients"/> for the values.</summary>
    public IReadOnlyList<Parameter> Parameters => _parameters;

    /// <summary>Gets the full name of parameter <paramref name="index"/> (<c>fc1.weight</c>).</summary>
    /// <param name="index">The parameter index.</param>
    /// <returns>The name.</returns>
    public string ParameterName(int index) => _parameters[index].Name;

    /// <summary>Gets the weights of parameter <paramref name="index"/>.</summary>
    /// <param name="index">The parameter index.</param>
    /// <returns>A read-only view.</returns>
    public ReadOnlySpan<float> Weights(int index) => _parameters[index].Weights;

    /// <summary>Gets the gradient of parameter <paramref name="index"/>.</summary>
    /// <param name="index">The parameter index.</param>
    /// <returns>A read-only view.</returns>
    public ReadOnlySpan<float> Gradients(int index) => _parameters[index].Gradients;

    /// <summary>Gets the learning rate that applies to parameter <paramref name="index"/>.</summary>
    /// <param name="index">The parameter index.</param>
    /// <returns>The learning rate of its group.</returns>
    public float LearningRate(int index) => Optimizer.Groups[_groupOfParameter[index]].LearningRate;
}
