namespace MLGradientInsight.Trainers.Tests.Layers;

/// <summary>A random source that can be rewound, so that a layer drawing random numbers (dropout) sees the same draws in every forward pass of a finite-difference check.</summary>
internal sealed class ReplayRandom(int seed) : Random
{
    private Random _inner = new(seed);

    public void Rewind() => _inner = new Random(seed);

    public override double NextDouble() => _inner.NextDouble();

    public override float NextSingle() => _inner.NextSingle();

    public override int Next() => _inner.Next();

    public override int Next(int maxValue) => _inner.Next(maxValue);

    public override int Next(int minValue, int maxValue) => _inner.Next(minValue, maxValue);

    protected override double Sample() => _inner.NextDouble();
}
