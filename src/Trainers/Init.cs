namespace MLGradientInsight.Trainers;

/// <summary>Weight initialisation schemes; every one draws from a <see cref="Random"/> the caller seeds.</summary>
public static class Init
{
    /// <summary>Fills with U(−bound, bound).</summary>
    /// <param name="destination">The values to fill.</param>
    /// <param name="bound">The half-width.</param>
    /// <param name="random">The random source.</param>
    public static void Uniform(Span<float> destination, double bound, Random random)
    {
        ArgumentNullException.ThrowIfNull(random);
        for (int i = 0; i < destination.Length; i++)
        {
            destination[i] = (float)(((random.NextDouble() * 2) - 1) * bound);
        }
    }

    /// <summary>Fills with N(0, std²) (Box–Muller).</summary>
    /// <param name="destination">The values to fill.</param>
    /// <param name="std">The standard deviation.</param>
    /// <param name="random">The random source.</param>
    public static void Normal(Span<float> destination, double std, Random random)
    {
        ArgumentNullException.ThrowIfNull(random);
        for (int i = 0; i < destination.Length; i++)
        {
            double u1 = 1.0 - random.NextDouble();
            double u2 = random.NextDouble();
            destination[i] = (float)(std * Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2.0 * Math.PI * u2));
        }
    }

    /// <summary>
    /// PyTorch's default for <c>nn.Linear</c>/<c>nn.Conv2d</c>: weight ~ U(−1/√fanIn, 1/√fanIn)
    /// (kaiming_uniform with a = √5), bias ~ U(−1/√fanIn, 1/√fanIn).
    /// </summary>
    /// <param name="destination">The values to fill.</param>
    /// <param name="fanIn">Inputs per output unit (in·kh·kw for convolutions).</param>
    /// <param name="random">The random source.</param>
    public static void PyTorchDefault(Span<float> destination, int fanIn, Random random) =>
        Uniform(destination, 1.0 / Math.Sqrt(fanIn), random);

    /// <summary>Xavier/Glorot uniform: U(−a, a), a = gain·√(6/(fanIn+fanOut)).</summary>
    /// <param name="destination">The values to fill.</param>
    /// <param name="fanIn">Inputs per unit.</param>
    /// <param name="fanOut">Outputs per input.</param>
    /// <param name="random">The random source.</param>
    /// <param name="gain">The gain (1 for linear/sigmoid, 5/3 for tanh).</param>
    public static void XavierUniform(Span<float> destination, int fanIn, int fanOut, Random random, double gain = 1.0) =>
        Uniform(destination, gain * Math.Sqrt(6.0 / (fanIn + fanOut)), random);

    /// <summary>Xavier/Glorot normal: N(0, σ²), σ = gain·√(2/(fanIn+fanOut)).</summary>
    /// <param name="destination">The values to fill.</param>
    /// <param name="fanIn">Inputs per unit.</param>
    /// <param name="fanOut">Outputs per input.</param>
    /// <param name="random">The random source.</param>
    /// <param name="gain">The gain.</param>
    public static void XavierNormal(Span<float> destination, int fanIn, int fanOut, Random random, double gain = 1.0) =>
        Normal(destination, gain * Math.Sqrt(2.0 / (fanIn + fanOut)), random);

    /// <summary>He/Kaiming normal for ReLU: N(0, 2/fanIn).</summary>
    /// <param name="destination">The values to fill.</param>
    /// <param name="fanIn">Inputs per unit.</param>
    /// <param name="random">The random source.</param>
    public static void HeNormal(Span<float> destination, int fanIn, Random random) =>
        Normal(destination, Math.Sqrt(2.0 / fanIn), random);

    /// <summary>He/Kaiming uniform for ReLU: U(−√(6/fanIn), √(6/fanIn)).</summary>
    /// <param name="destination">The values to fill.</param>
    /// <param name="fanIn">Inputs per unit.</param>
    /// <param name="random">The random source.</param>
    public static void HeUniform(Span<float> destination, int fanIn, Random random) =>
        Uniform(destination, Math.Sqrt(6.0 / fanIn), random);
}
