using MLGradientInsight.Trainers.Layers;

namespace MLGradientInsight.Trainers.Models;

/// <summary>Ready-to-use models with PyTorch's parameter names; every one is built from a seed.</summary>
public static class ModelZoo
{
    /// <summary>
    /// A multilayer perceptron: <c>fc1 … fc(n−1)</c> with <paramref name="activation"/> between them
    /// (none after the last). When the input has more than one feature dimension (images), a
    /// <c>flatten</c> layer comes first; use <see cref="Mlp(IReadOnlyList{int}, Activation, int, bool)"/>.
    /// </summary>
    /// <param name="sizes">Layer widths including input and output, e.g. 784, 256, 128, 10.</param>
    /// <param name="activation">The hidden activation.</param>
    /// <param name="seed">The initialisation seed.</param>
    /// <returns>The model.</returns>
    /// <exception cref="ArgumentException">Fewer than two sizes, or a size ≤ 0.</exception>
    public static Sequential Mlp(IReadOnlyList<int> sizes, Activation activation, int seed) => Mlp(sizes, activation, seed, flattenInput: false);

    /// <summary>A multilayer perceptron, optionally flattening image input first.</summary>
    /// <param name="sizes">Layer widths including input and output.</param>
    /// <param name="activation">The hidden activation.</param>
    /// <param name="seed">The initialisation seed.</param>
    /// <param name="flattenInput">Whether to flatten (N, …) input to (N, sizes[0]) first.</param>
    /// <returns>The model.</returns>
    /// <exception cref="ArgumentException">Fewer than two sizes, or a size ≤ 0.</exception>
    public static Sequential Mlp(IReadOnlyList<int> sizes, Activation activation, int seed, bool flattenInput)
    {
        ArgumentNullException.ThrowIfNull(sizes);
        if (sizes.Count < 2 || sizes.Any(s => s <= 0))
        {
            throw new ArgumentException($"An MLP needs at least two positive sizes (input and output), e.g. 784,256,10; got [{string.Join(",", sizes)}].", nameof(sizes));
        }

        var random = new Random(seed);
        var layers = new List<Module>();
        if (flattenInput)
        {
            layers.Add(new Flatten("flatten"));
        }

        for (int i = 0; i < sizes.Count - 1; i++)
        {
            bool hidden = i < sizes.Count - 2;

            // A hidden ReLU runs inside its Linear layer (same values, no separate pass); other activations are layers of their own.
            bool fuse = hidden && activation == Activation.ReLU;
            layers.Add(new Linear($"fc{i + 1}", sizes[i], sizes[i + 1], random, fuseReLU: fuse));
            if (hidden && !fuse)
            {
                layers.Add(CreateActivation(activation, $"act{i + 1}"));
            }
        }

        return new Sequential("mlp", [.. layers]);
    }

    /// <summary>
    /// LeNet-5 as in 002 Table 1 (input 1×32×32, e.g. Fashion-MNIST zero-padded by 2):
    /// conv1 Conv2d(1, 6, 3) → ReLU → MaxPool 2 → conv2 Conv2d(6, 16, 3) → ReLU → MaxPool 2 → flatten →
    /// fc1 Linear(576, 120) → ReLU → fc2 Linear(120, 84) → ReLU → fc3 Linear(84, 10).
    /// Parameter counts: conv1 60, conv2 880, fc1 69,240, fc2 10,164, fc3 850.
    /// </summary>
    /// <remarks>
    /// Each ReLU runs inside the layer before it (<see cref="Conv2d.FusedReLU"/>, <see cref="Linear.FusedReLU"/>): the same outputs
    /// and gradients as separate ReLU layers, without their passes over the activations.
    /// </remarks>
    /// <param name="seed">The initialisation seed.</param>
    /// <param name="classes">The number of outputs (10).</param>
    /// <returns>The model.</returns>
    public static Sequential LeNet5(int seed, int classes = 10)
    {
        var random = new Random(seed);
        return new Sequential(
            "lenet5",
            new Conv2d("conv1", 1, 6, 3, random, fuseReLU: true),
            new MaxPool2d("pool1", 2),
            new Conv2d("conv2", 6, 16, 3, random, fuseReLU: true),
            new MaxPool2d("pool2", 2),
            new Flatten("flatten"),
            new Linear("fc1", 16 * 6 * 6, 120, random, fuseReLU: true),
            new Linear("fc2", 120, 84, random, fuseReLU: true),
            new Linear("fc3", 84, classes, random));
    }

    /// <summary>
    /// The network of 001 ("visualization kraidiky"): 3 inputs (x, y and a constant 1), three tanh
    /// layers of 15 neurons and one tanh output, no biases: 45 + 225 + 225 + 15 = 510 weights.
    /// </summary>
    /// <param name="seed">The initialisation seed.</param>
    /// <returns>The model.</returns>
    public static Sequential Kraidiky(int seed)
    {
        var random = new Random(seed);
        return new Sequential(
            "kraidiky",
            new Linear("fc1", 3, 15, random, bias: false),
            new Tanh("tanh1"),
            new Linear("fc2", 15, 15, random, bias: false),
            new Tanh("tanh2"),
            new Linear("fc3", 15, 15, random, bias: false),
            new Tanh("tanh3"),
            new Linear("fc4", 15, 1, random, bias: false),
            new Tanh("tanh4"));
    }

    private static Module CreateActivation(Activation activation, string name) => activation switch
    {
        Activation.ReLU => new ReLU(name),
        Activation.Tanh => new Tanh(name),
        Activation.Sigmoid => new Sigmoid(name),
        Activation.LeakyReLU => new LeakyReLU(name),
        _ => throw new ArgumentOutOfRangeException(nameof(activation), activation, "Unknown activation."),
    };
}
