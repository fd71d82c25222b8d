namespace MLGradientInsight.Trainers;

/// <summary>
/// A layer or a composition of layers with a forward and a backward pass.
/// </summary>
/// <remarks>
/// <para>Contract: <see cref="Forward"/> returns a tensor owned by the module and reused by the next
/// call (valid until then); it caches what <see cref="Backward"/> needs. <see cref="Backward"/>
/// takes dL/d(output) of the last forward pass, <b>adds</b> dL/dθ into each parameter's
/// <see cref="Parameter.Gradient"/> (PyTorch semantics: call <c>ZeroGrad</c> between steps) and
/// returns dL/d(input), or <see langword="null"/> when <see cref="NeedsInputGradient"/> is false.</para>
/// <para>After the first batch of a given size neither pass allocates.</para>
/// </remarks>
public abstract class Module
{
    private static readonly Parameter[] s_none = [];

    /// <summary>Initializes the module.</summary>
    /// <param name="name">The name used as the prefix of its parameters (<c>fc1</c> → <c>fc1.weight</c>).</param>
    protected Module(string name)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        Name = name;
    }

    /// <summary>Gets the module's name.</summary>
    public string Name { get; }

    /// <summary>Gets whether the module is in training mode (dropout active, batch statistics used).</summary>
    public bool IsTraining { get; private set; } = true;

    /// <summary>Gets or sets whether <see cref="Backward"/> must compute dL/d(input). The first layer of a model does not need it.</summary>
    public bool NeedsInputGradient { get; set; } = true;

    /// <summary>Gets the parameters, in PyTorch's order (weight before bias, layers in forward order).</summary>
    public virtual IReadOnlyList<Parameter> Parameters => s_none;

    /// <summary>Runs the forward pass.</summary>
    /// <param name="input">The input batch; dimension 0 is the batch.</param>
    /// <returns>The output, owned by the module.</returns>
    public abstract Tensor Forward(Tensor input);

    /// <summary>Runs the backward pass for the last forward pass.</summary>
    /// <param name="outputGradient">dL/d(output), same shape as the last output.</param>
    /// <returns>dL/d(input), or <see langword="null"/> when <see cref="NeedsInputGradient"/> is false.</returns>
    public abstract Tensor? Backward(Tensor outputGradient);

    /// <summary>Switches between training and evaluation mode.</summary>
    /// <param name="training"><see langword="true"/> for training.</param>
    public virtual void SetTraining(bool training) => IsTraining = training;

    /// <summary>Sets every parameter gradient to zero.</summary>
    public void ZeroGrad()
    {
        IReadOnlyList<Parameter> parameters = Parameters;
        for (int i = 0; i < parameters.Count; i++)
        {
            parameters[i].Gradient.Clear();
        }
    }

    /// <summary>Gets the output shape for an input shape, without running the module.</summary>
    /// <param name="inputShape">The input shape including the batch dimension.</param>
    /// <returns>The output shape.</returns>
    public abstract int[] OutputShape(ReadOnlySpan<int> inputShape);

    /// <inheritdoc/>
    public override string ToString() => $"{GetType().Name}({Name})";
}
