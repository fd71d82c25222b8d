namespace MLGradientInsight.Trainers.Models;

/// <summary>Hidden-layer activation of <see cref="ModelZoo.Mlp(IReadOnlyList{int}, Activation, int)"/>.</summary>
public enum Activation
{
    /// <summary>max(0, x).</summary>
    ReLU,

    /// <summary>tanh(x).</summary>
    Tanh,

    /// <summary>1 / (1 + e^−x).</summary>
    Sigmoid,

    /// <summary>x for x &gt; 0, 0.01·x otherwise.</summary>
    LeakyReLU,
}
