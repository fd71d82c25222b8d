namespace MLGradientInsight.Analyses.Evaluation;

/// <summary>
/// What the analyses need from a model, whatever engine runs it: read and write its named state tensors, draw fresh
/// values from its initial distribution, and evaluate loss and accuracy on a fixed evaluation set.
/// </summary>
/// <remarks>
/// <para>The analyses (linear path, robustness, trajectory) only talk to this interface, so one adapter per engine is
/// enough: <see cref="SequentialModelEvaluator"/> adapts the managed engine; a TorchSharp adapter can implement the same
/// members. Tensor names are PyTorch's <c>state_dict</c> names (<c>fc1.weight</c>, <c>bn1.running_mean</c>).</para>
/// <para>An evaluator is stateful (it owns the model) and not thread-safe.</para>
/// </remarks>
public interface IModelEvaluator
{
    /// <summary>Gets the state tensors in model order: every parameter, then running statistics.</summary>
    IReadOnlyList<StateTensorInfo> Tensors { get; }

    /// <summary>Gets the number of samples one <see cref="Evaluate"/> call looks at (the cost unit of the analyses).</summary>
    int EvaluationSampleCount { get; }

    /// <summary>Copies a state tensor's current values into <paramref name="destination"/>.</summary>
    /// <param name="name">The tensor name.</param>
    /// <param name="destination">Receives the values; its length is the tensor's length.</param>
    /// <exception cref="KeyNotFoundException">The model has no tensor <paramref name="name"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="destination"/> has the wrong length.</exception>
    void Read(string name, Span<float> destination);

    /// <summary>Overwrites a state tensor's values.</summary>
    /// <param name="name">The tensor name.</param>
    /// <param name="values">The new values; their length is the tensor's length.</param>
    /// <exception cref="KeyNotFoundException">The model has no tensor <paramref name="name"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="values"/> has the wrong length.</exception>
    void Write(string name, ReadOnlySpan<float> values);

    /// <summary>Draws fresh values for a tensor from the distribution the model was initialised with (re-randomisation).</summary>
    /// <param name="name">The tensor name.</param>
    /// <param name="destination">Receives the values.</param>
    /// <param name="random">The seeded random source.</param>
    /// <exception cref="KeyNotFoundException">The model has no tensor <paramref name="name"/>.</exception>
    void DrawInitial(string name, Span<float> destination, Random random);

    /// <summary>Evaluates the model with its current values on the fixed evaluation set, in batches, in inference mode.</summary>
    /// <returns>The mean loss and (for classification) the accuracy.</returns>
    ModelEvaluation Evaluate();
}
