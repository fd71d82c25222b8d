using MLGradientInsight.Trainers.Layers;
using MLGradientInsight.Trainers.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace MLGradientInsight.Trainers.Torch.Models;

// Inside the namespace: MLGradientInsight.Trainers has its own Tensor.
using Tensor = TorchSharp.torch.Tensor;

/// <summary>
/// The models of <see cref="ModelZoo"/> as TorchSharp modules, with the same PyTorch parameter names
/// (<c>conv1.weight</c>, <c>fc1.bias</c> …), so that weights move between the engines through safetensors
/// (<see cref="Checkpoints.TorchCheckpoint"/>). Initialised by libtorch's default initialisation from the given seed
/// (<c>torch.manual_seed</c>): the same seed gives other weights than <see cref="ModelZoo"/>.
/// </summary>
public static class TorchModels
{
    /// <summary>LeNet-5 as in 002 Table 1 (see <see cref="ModelZoo.LeNet5"/>): input (N, 1, 32, 32), output (N, classes) logits.</summary>
    /// <param name="seed">The initialisation seed.</param>
    /// <param name="classes">The number of outputs.</param>
    /// <returns>The module.</returns>
    /// <exception cref="TorchLoadException">libtorch could not be loaded.</exception>
    public static nn.Module<Tensor, Tensor> LeNet5(int seed, int classes = 10)
    {
        TorchRuntime.EnsureLoaded();
        torch.manual_seed(seed);
        return nn.Sequential(
            ("conv1", nn.Conv2d(1, 6, 3)),
            ("relu1", nn.ReLU()),
            ("pool1", nn.MaxPool2d(2)),
            ("conv2", nn.Conv2d(6, 16, 3)),
            ("relu2", nn.ReLU()),
            ("pool2", nn.MaxPool2d(2)),
            ("flatten", nn.Flatten()),
            ("fc1", nn.Linear(16 * 6 * 6, 120)),
            ("relu3", nn.ReLU()),
            ("fc2", nn.Linear(120, 84)),
            ("relu4", nn.ReLU()),
            ("fc3", nn.Linear(84, classes)));
    }

    /// <summary>The network of 001 (see <see cref="ModelZoo.Kraidiky"/>): fc1 … fc4 without biases, tanh after each.</summary>
    /// <param name="seed">The initialisation seed.</param>
    /// <returns>The module: input (N, 3), output (N, 1).</returns>
    /// <exception cref="TorchLoadException">libtorch could not be loaded.</exception>
    public static nn.Module<Tensor, Tensor> Kraidiky(int seed)
    {
        TorchRuntime.EnsureLoaded();
        torch.manual_seed(seed);
        return nn.Sequential(
            ("fc1", nn.Linear(3, 15, hasBias: false)),
            ("tanh1", nn.Tanh()),
            ("fc2", nn.Linear(15, 15, hasBias: false)),
            ("tanh2", nn.Tanh()),
            ("fc3", nn.Linear(15, 15, hasBias: false)),
            ("tanh3", nn.Tanh()),
            ("fc4", nn.Linear(15, 1, hasBias: false)),
            ("tanh4", nn.Tanh()));
    }

    /// <summary>A multilayer perceptron <c>fc1 … fc(n−1)</c> with <paramref name="activation"/> between the layers (see <see cref="ModelZoo.Mlp(IReadOnlyList{int}, Activation, int, bool)"/>).</summary>
    /// <param name="sizes">Layer widths including input and output, e.g. 784, 256, 128, 10.</param>
    /// <param name="activation">The hidden activation (leaky ReLU with slope 0.01, as in the managed engine).</param>
    /// <param name="seed">The initialisation seed.</param>
    /// <param name="flattenInput">Whether to flatten (N, …) input first.</param>
    /// <returns>The module.</returns>
    /// <exception cref="ArgumentException">Fewer than two sizes, or a size ≤ 0.</exception>
    /// <exception cref="TorchLoadException">libtorch could not be loaded.</exception>
    public static nn.Module<Tensor, Tensor> Mlp(IReadOnlyList<int> sizes, Activation activation, int seed, bool flattenInput = false)
    {
        ArgumentNullException.ThrowIfNull(sizes);
        if (sizes.Count < 2 || sizes.Any(s => s <= 0))
        {
            throw new ArgumentException($"An MLP needs at least two positive sizes (input and output), e.g. 784,256,10; got [{string.Join(",", sizes)}].", nameof(sizes));
        }

        TorchRuntime.EnsureLoaded();
        torch.manual_seed(seed);
        var layers = new List<(string, nn.Module<Tensor, Tensor>)>();
        if (flattenInput)
        {
            layers.Add(("flatten", (nn.Module<Tensor, Tensor>)nn.Flatten()));
        }

        for (int i = 0; i < sizes.Count - 1; i++)
        {
            layers.Add(($"fc{i + 1}", (nn.Module<Tensor, Tensor>)nn.Linear(sizes[i], sizes[i + 1])));
            if (i < sizes.Count - 2)
            {
                layers.Add(($"act{i + 1}", activation switch
                {
                    Activation.ReLU => (nn.Module<Tensor, Tensor>)nn.ReLU(),
                    Activation.Tanh => nn.Tanh(),
                    Activation.Sigmoid => nn.Sigmoid(),
                    Activation.LeakyReLU => nn.LeakyReLU(0.01),
                    _ => throw new ArgumentOutOfRangeException(nameof(activation), activation, "Unknown activation."),
                }));
            }
        }

        return nn.Sequential(layers);
    }

    /// <summary>
    /// The TorchSharp equivalent of a managed <see cref="Sequential"/>, with its names and a copy of its current weights (and
    /// batch-norm statistics), so both engines start from the same point. Fused ReLUs become <c>NAME_relu</c> modules.
    /// </summary>
    /// <param name="model">The managed model: Linear, Conv2d, MaxPool2d, AvgPool2d, Flatten, ReLU, LeakyReLU, Tanh, Sigmoid,
    /// Dropout, BatchNorm1d/2d and LogSoftmax layers.</param>
    /// <returns>The module.</returns>
    /// <exception cref="NotSupportedException">A layer has no TorchSharp equivalent here (the message names it).</exception>
    /// <exception cref="TorchLoadException">libtorch could not be loaded.</exception>
    public static nn.Module<Tensor, Tensor> FromSequential(Sequential model)
    {
        ArgumentNullException.ThrowIfNull(model);
        TorchRuntime.EnsureLoaded();
        var layers = new List<(string, nn.Module<Tensor, Tensor>)>();
        foreach (Module layer in model.Layers)
        {
            switch (layer)
            {
                case Linear l:
                    layers.Add((l.Name, nn.Linear(l.Inputs, l.Outputs, hasBias: l.Bias is not null)));
                    if (l.FusedReLU)
                    {
                        layers.Add(($"{l.Name}_relu", nn.ReLU()));
                    }

                    break;
                case Conv2d c:
                    layers.Add((c.Name, nn.Conv2d(
                        c.InChannels, c.OutChannels, (c.KernelSize.Height, c.KernelSize.Width), stride: (c.Stride.Height, c.Stride.Width),
                        padding: (c.Padding.Height, c.Padding.Width), bias: c.Bias is not null)));
                    if (c.FusedReLU)
                    {
                        layers.Add(($"{c.Name}_relu", nn.ReLU()));
                    }

                    break;
                case MaxPool2d p:
                    layers.Add((p.Name, nn.MaxPool2d(p.KernelSize, p.Stride, p.Padding)));
                    break;
                case AvgPool2d p:
                    layers.Add((p.Name, nn.AvgPool2d(p.KernelSize, p.Stride, p.Padding)));
                    break;
                case Flatten f:
                    layers.Add((f.Name, nn.Flatten()));
                    break;
                case ReLU r:
                    layers.Add((r.Name, nn.ReLU()));
                    break;
                case LeakyReLU r:
                    layers.Add((r.Name, nn.LeakyReLU(r.NegativeSlope)));
                    break;
                case Tanh t:
                    layers.Add((t.Name, nn.Tanh()));
                    break;
                case Sigmoid s:
                    layers.Add((s.Name, nn.Sigmoid()));
                    break;
                case Dropout d:
                    layers.Add((d.Name, nn.Dropout(d.Probability)));
                    break;
                case BatchNorm1d b:
                    layers.Add((b.Name, nn.BatchNorm1d(b.Features, b.Epsilon, b.Momentum)));
                    break;
                case BatchNorm2d b:
                    layers.Add((b.Name, nn.BatchNorm2d(b.Features, b.Epsilon, b.Momentum)));
                    break;
                case LogSoftmax s:
                    layers.Add((s.Name, nn.LogSoftmax(1)));
                    break;
                default:
                    throw new NotSupportedException($"Layer '{layer.Name}' ({layer.GetType().Name}) has no TorchSharp equivalent here; the TorchSharp engine supports Linear, Conv2d, pooling, Flatten, activations, Dropout, BatchNorm and LogSoftmax.");
            }
        }

        var module = nn.Sequential(layers);
        using (torch.no_grad())
        {
            foreach ((string name, Tensor target) in module.state_dict())
            {
                ReadOnlySpan<float> source = ManagedValues(model, name);
                using Tensor values = torch.tensor(source.ToArray(), target.shape, dtype: ScalarType.Float32);
                target.copy_(values);
            }
        }

        return module;
    }

    /// <summary>
    /// Copies a module's weights (and batch-norm statistics) back into the managed <see cref="Sequential"/> it was made from by
    /// <see cref="FromSequential"/>, so the managed model scores with what libtorch trained.
    /// </summary>
    /// <param name="module">The trained module.</param>
    /// <param name="model">The managed model with the same names and shapes.</param>
    /// <exception cref="ArgumentException">A tensor of the module has no counterpart of the same size in the model.</exception>
    public static void CopyTo(nn.Module module, Sequential model)
    {
        ArgumentNullException.ThrowIfNull(module);
        ArgumentNullException.ThrowIfNull(model);
        foreach ((string name, Tensor source) in module.state_dict())
        {
            using Tensor host = source.detach().cpu().to_type(ScalarType.Float32).contiguous();
            ReadOnlySpan<float> values = System.Runtime.InteropServices.MemoryMarshal.Cast<byte, float>(host.bytes);
            int dot = name.LastIndexOf('.');
            Module layer = model.Layers.First(l => l.Name == name[..dot]);
            switch (layer, name[(dot + 1)..])
            {
                case (BatchNorm b, "num_batches_tracked"):
                    b.BatchesTracked = (long)values[0];
                    break;
                case (BatchNorm b, "running_mean"):
                    Copy(values, b.RunningMean.Span, name);
                    break;
                case (BatchNorm b, "running_var"):
                    Copy(values, b.RunningVariance.Span, name);
                    break;
                default:
                    Copy(values, model.GetParameter(name).Weights, name);
                    break;
            }
        }

        static void Copy(ReadOnlySpan<float> source, Span<float> target, string name)
        {
            if (source.Length != target.Length)
            {
                throw new ArgumentException($"'{name}' has {source.Length} values in the module but {target.Length} in the managed model.", nameof(model));
            }

            source.CopyTo(target);
        }
    }

    private static ReadOnlySpan<float> ManagedValues(Sequential model, string name)
    {
        int dot = name.LastIndexOf('.');
        string layerName = name[..dot], local = name[(dot + 1)..];
        Module layer = model.Layers.First(l => l.Name == layerName);
        return (layer, local) switch
        {
            (BatchNorm b, "running_mean") => b.RunningMean.Span,
            (BatchNorm b, "running_var") => b.RunningVariance.Span,
            (BatchNorm b, "num_batches_tracked") => new[] { (float)b.BatchesTracked },
            _ => model.GetParameter(name).Weights,
        };
    }
}
