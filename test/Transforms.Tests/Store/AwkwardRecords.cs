using MLGradientInsight.Transforms.Activity;

namespace MLGradientInsight.Transforms.Tests.Store;

/// <summary>Seeded random activity rows with values and names that break careless formats.</summary>
internal static class AwkwardRecords
{
    private static readonly double[] s_specials =
    [
        double.NaN, double.PositiveInfinity, double.NegativeInfinity, 0.0, -0.0, 1e-45, -1e-45, 1e24, double.Epsilon,
        double.MaxValue, double.MinValue, 0.1, 1.0 / 3.0, 123456789.123456789, 1e-300, 5e-324, (double)float.Epsilon, (double)0.1f,
    ];

    private static readonly char[] s_nameChars = ['a', 'f', 'c', '1', '.', '_', ',', '"', ' ', '\n', '\r', 'é', '\t', ';', 'Ж'];

    /// <summary>The fixed rows used by the exact round-trip tests.</summary>
    public static IReadOnlyList<ActivityRecord> Fixed(string run) =>
    [
        new() { Run = run, Step = 1, Epoch = 1, Layer = ActivityRecord.NetworkLayer, Activity = double.NaN, MeanChange = double.PositiveInfinity, ExcludedFraction = 1e-45, NonFiniteCount = 7, GradientNorm = 1e24, WeightNorm = -0.0, UpdateNorm = double.NegativeInfinity, Loss = 2.302585092994046, LearningRate = 0.1 },
        new() { Run = run, Step = 1, Epoch = 1, Layer = "fc,1 \"weird\"", Activity = double.Epsilon, MeanChange = double.MaxValue, ExcludedFraction = double.MinValue, GradientNorm = 1.0 / 3.0, Loss = 2.302585092994046, LearningRate = 0.1 },
        new() { Run = run, Step = 1, Epoch = 1, Layer = "multi\nline\r\nlayer", Activity = 0.5 },
        new() { Run = run, Step = 2, Epoch = 1, Layer = ActivityRecord.NetworkLayer, Activity = 1e24, Loss = double.NaN, LearningRate = 1e-45 },
        new() { Run = run, Step = 2, Epoch = 1, Layer = "fc,1 \"weird\"", Activity = (double)0.1f, NonFiniteCount = int.MaxValue },
        new() { Run = run, Step = long.MaxValue, Epoch = int.MaxValue, Layer = "last", Activity = -1e-45 },
    ];

    public static double Value(Random random) => random.Next(3) switch
    {
        0 => s_specials[random.Next(s_specials.Length)],
        1 => random.NextDouble() * Math.Pow(10, random.Next(-30, 30)) * (random.Next(2) == 0 ? -1 : 1),
        _ => FromBits(random.NextInt64(long.MinValue, long.MaxValue)),
    };

    public static string Name(Random random, int minLength)
    {
        int length = random.Next(minLength, 8);
        var chars = new char[length];
        for (int i = 0; i < length; i++)
        {
            chars[i] = s_nameChars[random.Next(s_nameChars.Length)];
        }

        return new string(chars);
    }

    /// <summary>Random rows for a few runs; (run, step, layer) is unique.</summary>
    public static List<ActivityRecord> Random(Random random, bool withRunNames)
    {
        var records = new List<ActivityRecord>();
        int runs = withRunNames ? random.Next(1, 4) : 1;
        for (int r = 0; r < runs; r++)
        {
            string run = withRunNames ? Name(random, 0) + r : "";
            var layers = Enumerable.Range(0, random.Next(1, 5)).Select(i => Name(random, 1) + "#" + i).ToList();
            long step = random.Next(0, 3);
            for (int s = random.Next(1, 6); s > 0; s--)
            {
                step += random.Next(1, 1000);
                foreach (string layer in layers.Prepend(ActivityRecord.NetworkLayer))
                {
                    records.Add(new ActivityRecord
                    {
                        Run = run,
                        Step = step,
                        Epoch = random.Next(0, 50),
                        Layer = layer,
                        Activity = Value(random),
                        MeanChange = Value(random),
                        ExcludedFraction = Value(random),
                        NonFiniteCount = random.Next(0, 3) == 0 ? random.Next() : 0,
                        GradientNorm = Value(random),
                        WeightNorm = Value(random),
                        UpdateNorm = Value(random),
                        Loss = Value(random),
                        LearningRate = Value(random),
                    });
                }
            }
        }

        return records;
    }

    /// <summary>
    /// The value the store gives back: SQLite writes integral REAL values as integers, so −0 reads back as +0
    /// (documented in docs/store-schema.md); every other value, NaN and ±Infinity included, is kept exactly.
    /// </summary>
    public static double AsStored(double value) => value == 0 ? 0.0 : value;

    /// <summary>The record the store gives back for <paramref name="record"/> (see <see cref="AsStored(double)"/>).</summary>
    public static ActivityRecord AsStored(ActivityRecord record) => record with
    {
        Activity = AsStored(record.Activity),
        MeanChange = AsStored(record.MeanChange),
        ExcludedFraction = AsStored(record.ExcludedFraction),
        GradientNorm = AsStored(record.GradientNorm),
        WeightNorm = AsStored(record.WeightNorm),
        UpdateNorm = AsStored(record.UpdateNorm),
        Loss = AsStored(record.Loss),
        LearningRate = AsStored(record.LearningRate),
    };

    private static double FromBits(long bits)
    {
        double value = BitConverter.Int64BitsToDouble(bits);
        return double.IsNaN(value) ? double.NaN : value;
    }
}
