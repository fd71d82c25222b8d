namespace MLGradientInsight.Trainers.Optimizers;

/// <summary>The per-step constants of one Adam/AdamW update of one parameter.</summary>
/// <param name="Decay">Multiplier applied to θ first: 1 − η·λ for AdamW, 1 for Adam.</param>
/// <param name="L2">λ added as λθ to the gradient (Adam), 0 for AdamW.</param>
/// <param name="Beta1">β₁.</param>
/// <param name="Beta2">β₂.</param>
/// <param name="StepSize">η / (1 − β₁ᵗ).</param>
/// <param name="Bias2Sqrt">√(1 − β₂ᵗ).</param>
/// <param name="Epsilon">ε.</param>
internal readonly record struct AdamCoefficients(float Decay, float L2, float Beta1, float Beta2, float StepSize, float Bias2Sqrt, float Epsilon);
