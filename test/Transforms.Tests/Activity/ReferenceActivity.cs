namespace MLGradientInsight.Transforms.Tests.Activity;

/// <summary>
/// A deliberately plain, scalar transcription of 000 §3 (element grouping, one array per layer) used to check the
/// tracker's fused SIMD pass. Activity sums are in double; M and g_prev use the same float formulas as the spec.
/// </summary>
internal sealed class ReferenceActivity
{
    private readonly float[][] _previous;
    private readonly float[][] _mean;
    private readonly double[] _meanOfMean;
    private readonly float _absolute;
    private readonly float _relative;
    private readonly float _smoothing;
    private readonly int _warmup;
    private readonly float _root;
    private int _observed;

    public ReferenceActivity(int[] layerSizes, float absolute, float relative, float smoothing, int warmup, float root)
    {
        _previous = [.. layerSizes.Select(n => new float[n])];
        _mean = [.. layerSizes.Select(n => new float[n])];
        _meanOfMean = new double[layerSizes.Length];
        _absolute = absolute;
        _relative = relative;
        _smoothing = smoothing;
        _warmup = warmup;
        _root = root;
    }

    public double[] LayerActivity { get; private set; } = [];

    public double[] Excluded { get; private set; } = [];

    public long[] NonFinite { get; private set; } = [];

    public double[] MeanChange { get; private set; } = [];

    public double Network { get; private set; }

    public float[] Previous(int layer) => _previous[layer];

    public float[] Mean(int layer) => _mean[layer];

    public bool Step(float[][] gradients)
    {
        int layers = _previous.Length;
        LayerActivity = new double[layers];
        Excluded = new double[layers];
        NonFinite = new long[layers];
        MeanChange = new double[layers];
        double networkSum = 0;
        long networkIncluded = 0;
        for (int l = 0; l < layers; l++)
        {
            float[] g = gradients[l], p = _previous[l], m = _mean[l];
            double sum = 0, sumMean = 0;
            long included = 0;
            for (int i = 0; i < g.Length; i++)
            {
                if (!float.IsFinite(g[i]))
                {
                    NonFinite[l]++;
                    if (_observed == 0)
                    {
                        p[i] = 0f;
                    }

                    continue;
                }

                float change = Math.Abs(g[i] - p[i]);
                if (_observed == 0)
                {
                    p[i] = g[i];
                    continue;
                }

                if (_observed <= _warmup)
                {
                    m[i] += change;
                    p[i] = g[i];
                    continue;
                }

                bool include = m[i] > _absolute && m[i] >= (float)(_relative * _meanOfMean[l]);
                if (include)
                {
                    double d = Math.Abs(change - m[i]) / m[i];
                    sum += Math.Pow(d, 1.0 / _root);
                    sumMean += m[i];
                    included++;
                }

                m[i] = ((1f - _smoothing) * m[i]) + (_smoothing * change);
                p[i] = g[i];
            }

            if (_observed == _warmup)
            {
                for (int i = 0; i < m.Length; i++)
                {
                    m[i] /= _warmup;
                }
            }

            if (_observed >= _warmup)
            {
                _meanOfMean[l] = m.Sum(x => (double)x) / m.Length;
            }

            LayerActivity[l] = included > 0 ? sum / included : double.NaN;
            MeanChange[l] = included > 0 ? sumMean / included : double.NaN;
            Excluded[l] = (double)(g.Length - included) / g.Length;
            networkSum += sum;
            networkIncluded += included;
        }

        Network = networkIncluded > 0 ? networkSum / networkIncluded : double.NaN;
        bool active = _observed > _warmup;
        _observed++;
        return active;
    }
}
