namespace MLGradientInsight.Trainers.Tests.Layers;

/// <summary>
/// Central finite-difference gradient checks. The scalar objective is L = Σ r ⊙ output with a fixed random r,
/// accumulated in double; the analytic gradients come from one Backward(r).
/// </summary>
internal static class GradientCheck
{
    /// <summary>Relative part of the tolerance: |analytic − numeric| ≤ Relative·|numeric| + Absolute.</summary>
    public const double Relative = 1e-2;

    /// <summary>Absolute part; float32 outputs and eps = 1e-2 give noise of order 1e-4.</summary>
    public const double Absolute = 1e-3;

    /// <summary>Checks dL/dx and every parameter gradient of a module.</summary>
    /// <param name="module">The module (its parameters are perturbed and restored).</param>
    /// <param name="input">The input (perturbed and restored).</param>
    /// <param name="seed">Seed for r.</param>
    /// <param name="eps">The finite-difference step.</param>
    /// <param name="beforeForward">Run before every forward pass (e.g. rewinding a dropout mask source).</param>
    public static void Module(Module module, Tensor input, int seed, double eps = 1e-2, Action? beforeForward = null)
    {
        module.NeedsInputGradient = true;
        beforeForward?.Invoke();
        Tensor output = module.Forward(input);
        var weights = new Tensor(output.Shape.ToArray());
        var rng = new Random(seed);
        Init.Uniform(weights.Span, 1.0, rng);

        module.ZeroGrad();
        Tensor inputGradient = module.Backward(weights) ?? throw new AssertFailedException("Backward returned null although NeedsInputGradient is true.");
        float[] analyticInput = inputGradient.Span.ToArray();
        var analyticParameters = module.Parameters.Select(p => p.Gradients.ToArray()).ToList();

        double Objective()
        {
            beforeForward?.Invoke();
            ReadOnlySpan<float> y = module.Forward(input).Span;
            ReadOnlySpan<float> r = weights.Span;
            double sum = 0;
            for (int i = 0; i < y.Length; i++)
            {
                sum += (double)r[i] * y[i];
            }

            return sum;
        }

        Compare("input", input.Span, analyticInput, Objective, eps);
        for (int k = 0; k < module.Parameters.Count; k++)
        {
            Parameter p = module.Parameters[k];
            Compare(p.Name, p.Weights, analyticParameters[k], Objective, eps);
        }
    }

    /// <summary>Compares an analytic gradient with central differences of <paramref name="objective"/> over <paramref name="values"/>.</summary>
    public static void Compare(string what, Span<float> values, ReadOnlySpan<float> analytic, Func<double> objective, double eps)
    {
        Assert.AreEqual(values.Length, analytic.Length, $"{what}: gradient length");
        double worst = 0;
        for (int i = 0; i < values.Length; i++)
        {
            float saved = values[i];
            values[i] = (float)(saved + eps);
            double plus = objective();
            values[i] = (float)(saved - eps);
            double minus = objective();
            values[i] = saved;
            double step = (double)(float)(saved + eps) - (float)(saved - eps);
            double numeric = (plus - minus) / step;
            double error = Math.Abs(analytic[i] - numeric);
            double tolerance = (Relative * Math.Abs(numeric)) + Absolute;
            if (!(error <= tolerance))
            {
                Assert.Fail($"{what}[{i}]: analytic {analytic[i]:G6} vs numeric {numeric:G6} (|diff| {error:G3} > {tolerance:G3}).");
            }

            worst = Math.Max(worst, Math.Abs(numeric));
        }

        // Guard against a vacuous check (everything zero).
        Assert.IsGreaterThan(1e-3, worst, $"{what}: every numeric gradient is ~0, the check would be vacuous.");
    }

    public static Tensor RandomTensor(int seed, double scale, params int[] shape)
    {
        var t = new Tensor(shape);
        Init.Normal(t.Span, scale, new Random(seed));
        return t;
    }

    /// <summary>Values at least <paramref name="margin"/> away from zero (for kinks at 0).</summary>
    public static Tensor AwayFromZero(int seed, double margin, params int[] shape)
    {
        Tensor t = RandomTensor(seed, 1.0, shape);
        Span<float> s = t.Span;
        for (int i = 0; i < s.Length; i++)
        {
            s[i] = (float)(Math.CopySign(margin, s[i]) + s[i]);
        }

        return t;
    }

    /// <summary>Distinct values spaced <paramref name="spacing"/> apart in random order (for max pooling: no near-ties).</summary>
    public static Tensor DistinctValues(int seed, double spacing, params int[] shape)
    {
        var t = new Tensor(shape);
        Span<float> s = t.Span;
        int[] order = [.. Enumerable.Range(0, s.Length)];
        new Random(seed).Shuffle(order);
        for (int i = 0; i < s.Length; i++)
        {
            s[i] = (float)((order[i] - (s.Length / 2.0)) * spacing);
        }

        return t;
    }
}
