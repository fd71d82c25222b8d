using MLGradientInsight.Trainers.Optimizers;
using TorchSharp;
using static TorchSharp.torch;

namespace MLGradientInsight.Trainers.Torch.Training;

/// <summary>The TorchSharp optimizers for the names of <see cref="OptimizerSpec.Names"/>, with the managed engine's defaults (PyTorch's).</summary>
public static class TorchOptimizers
{
    /// <summary>Creates the TorchSharp optimizer called <paramref name="name"/> over a module's parameters.</summary>
    /// <param name="name">sgd, momentum, nesterov, adagrad, adadelta, rmsprop, adam or adamw (lars has no TorchSharp optimizer).</param>
    /// <param name="module">The module.</param>
    /// <param name="learningRate">The learning rate.</param>
    /// <param name="momentum">The momentum (null: 0.9 for momentum and nesterov, 0 otherwise).</param>
    /// <param name="weightDecay">The weight decay.</param>
    /// <returns>The optimizer.</returns>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    /// <exception cref="NotSupportedException">TorchSharp has no optimizer of that name (the message lists the ones it has).</exception>
    public static optim.Optimizer Create(string name, nn.Module module, double learningRate, double? momentum = null, double weightDecay = 0)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(module);
        IEnumerable<TorchSharp.Modules.Parameter> p = module.parameters();
        return name.Trim().ToLowerInvariant() switch
        {
            "sgd" => optim.SGD(p, learningRate, momentum: momentum ?? 0, weight_decay: weightDecay),
            "momentum" => optim.SGD(p, learningRate, momentum: momentum ?? 0.9, weight_decay: weightDecay),
            "nesterov" => optim.SGD(p, learningRate, momentum: momentum ?? 0.9, weight_decay: weightDecay, nesterov: true),
            "adagrad" => optim.Adagrad(p, learningRate, weight_decay: weightDecay),
            "adadelta" => optim.Adadelta(p, learningRate, weight_decay: weightDecay),
            "rmsprop" => optim.RMSProp(p, learningRate, momentum: momentum ?? 0, weight_decay: weightDecay),
            "adam" => optim.Adam(p, learningRate, weight_decay: weightDecay),
            "adamw" => optim.AdamW(p, learningRate, weight_decay: weightDecay),
            _ => throw new NotSupportedException(
                $"The optimizer '{name}' is not available with the TorchSharp engine (TorchSharp has no {name}); use sgd, momentum, nesterov, adagrad, adadelta, rmsprop, adam or adamw, or the managed engine."),
        };
    }
}
