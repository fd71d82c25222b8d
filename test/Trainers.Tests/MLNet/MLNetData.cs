using Microsoft.ML;
using Microsoft.ML.Data;

namespace MLGradientInsight.Trainers.Tests.MLNet;

/// <summary>Small seeded data sets for the ML.NET tests.</summary>
internal static class MLNetData
{
    public static readonly string[] Animals = ["dog", "cat", "bird"];

    /// <summary>Three separable blobs in 4 dimensions, labelled with text (the first row is a dog, so MapValueToKey gives dog = key 1).</summary>
    public static List<AnimalRow> Blobs(int count, int seed)
    {
        var rng = new Random(seed);
        var rows = new List<AnimalRow>(count);
        for (int i = 0; i < count; i++)
        {
            int c = i % 3;
            float[] x = new float[4];
            for (int j = 0; j < 4; j++)
            {
                x[j] = (j == c ? 2f : 0f) + (float)(rng.NextDouble() - 0.5);
            }

            rows.Add(new AnimalRow { Label = Animals[c], Features = x });
        }

        return rows;
    }

    /// <summary>y = 2·x0 − x1 + 0.5 with a little noise.</summary>
    public static List<ValueRow> Line(int count, int seed)
    {
        var rng = new Random(seed);
        var rows = new List<ValueRow>(count);
        for (int i = 0; i < count; i++)
        {
            float a = (float)(rng.NextDouble() * 2 - 1), b = (float)(rng.NextDouble() * 2 - 1);
            rows.Add(new ValueRow { Features = [a, b], Label = (2 * a) - b + 0.5f + (float)((rng.NextDouble() - 0.5) * 0.01) });
        }

        return rows;
    }

    public sealed class AnimalRow
    {
        public string Label { get; set; } = "";

        [VectorType(4)]
        public float[] Features { get; set; } = [];
    }

    public sealed class ValueRow
    {
        public float Label { get; set; }

        [VectorType(2)]
        public float[] Features { get; set; } = [];
    }

    public sealed class AnimalPrediction
    {
        public string PredictedAnimal { get; set; } = "";

        public float[] Score { get; set; } = [];
    }
}
