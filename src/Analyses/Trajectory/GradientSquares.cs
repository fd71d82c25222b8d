using System.Numerics.Tensors;
using MLGradientInsight.Trainers;

namespace MLGradientInsight.Analyses.Trajectory;

/// <summary>Running Σ g² per weight over a run, for the RMS gradient of 001 UPD 2. O(P) memory, no allocation per step.</summary>
internal sealed class GradientSquares
{
    private readonly float[][] _sums;

    public GradientSquares(IReadOnlyList<Parameter> parameters)
    {
        Parameters = parameters;
        _sums = [.. parameters.Select(p => new float[p.Length])];
    }

    public IReadOnlyList<Parameter> Parameters { get; }

    public long Steps { get; private set; }

    public void Add(IReadOnlyList<Parameter> parameters)
    {
        for (int i = 0; i < _sums.Length; i++)
        {
            ReadOnlySpan<float> g = parameters[i].Gradients;
            TensorPrimitives.MultiplyAdd(g, g, _sums[i], _sums[i]);
        }

        Steps++;
    }

    /// <summary>√(Σ g² / steps) per weight, as named arrays.</summary>
    public IReadOnlyList<KeyValuePair<string, float[]>> Rms()
    {
        float n = Math.Max(1, Steps);
        var result = new List<KeyValuePair<string, float[]>>(_sums.Length);
        for (int i = 0; i < _sums.Length; i++)
        {
            float[] rms = new float[_sums[i].Length];
            TensorPrimitives.Divide(_sums[i], n, rms);
            TensorPrimitives.Sqrt(rms, rms);
            result.Add(new(Parameters[i].Name, rms));
        }

        return result;
    }
}
