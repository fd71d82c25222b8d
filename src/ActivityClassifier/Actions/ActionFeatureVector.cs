using MLGradientInsight.ActivityClassifier.Features;
using MLGradientInsight.ActivityClassifier.Shapes;

namespace MLGradientInsight.ActivityClassifier.Actions;

/// <summary>
/// The action model's input: the network's last-window features and whole-run features (<see cref="WindowFeatures"/>),
/// the shape probabilities of both, and the per-layer picture of the last window (most chaotic / decaying / rising layer,
/// least active layer relative to the others, most pinned, most non-finite, extreme slopes, dispersion, exclusion,
/// extreme changes since the first window), the run's history (<see cref="RunHistoryFeatures"/>) and the layers' optional
/// gradient, weight and update norms (<see cref="NormFeatures"/>, all 0 without those columns).
/// </summary>
internal static class ActionFeatureVector
{
    private static readonly string[] s_layerNames =
    [
        "layers.max_p_chaotic", "layers.max_p_decaying", "layers.max_p_rising", "layers.min_self_vs_layers", "layers.max_pinned_fraction",
        "layers.max_non_finite_fraction", "layers.max_dispersion", "layers.min_slope", "layers.max_slope", "layers.max_excluded_mean", "layers.count",
        "layers.min_level_vs_start", "layers.max_level_vs_start",
    ];

    private static readonly string[] s_names =
    [
        .. WindowFeatures.Names.Select(n => "last." + n),
        .. WindowFeatures.Names.Select(n => "run." + n),
        .. ShapeNames.All.Select(s => "last.p_" + s),
        .. ShapeNames.All.Select(s => "run.p_" + s),
        .. s_layerNames,
        .. RunHistoryFeatures.Names,
        .. NormFeatures.Names,
    ];

    /// <summary>The vector length.</summary>
    public const int Length = 93;

    /// <summary>Index of the first <see cref="NormFeatures"/> value (the norm block is the vector's tail).</summary>
    public const int NormOffset = Length - NormFeatures.Count;

    public static IReadOnlyList<string> Names => s_names;

    public static float[] Compute(RunSnapshot s)
    {
        float[] v = new float[Length];
        int k = 0;
        s.Network.Features.CopyTo(v, k);
        k += WindowFeatures.Count;
        s.Whole.Features.CopyTo(v, k);
        k += WindowFeatures.Count;
        s.Network.Shape.CopyTo(v, k);
        k += 4;
        s.Whole.Shape.CopyTo(v, k);
        k += 4;
        RunSnapshot.SeriesState[] layers = s.Layers;
        v[k++] = Max(layers, l => l.P(ActivityShape.Chaotic));
        v[k++] = Max(layers, l => l.P(ActivityShape.Decaying));
        v[k++] = Max(layers, l => l.P(ActivityShape.Rising));
        v[k++] = -Max(layers, l => -l["self_vs_layers"]);
        v[k++] = Max(layers, l => l["pinned_fraction"]);
        v[k++] = Max(layers, l => l["non_finite_fraction"]);
        v[k++] = Max(layers, l => l["dispersion"]);
        v[k++] = -Max(layers, l => -l["slope"]);
        v[k++] = Max(layers, l => l["slope"]);
        v[k++] = Max(layers, l => l["excluded_mean"]);
        v[k++] = layers.Length;
        v[k++] = -Max(layers, l => -l["level_vs_start"]);
        v[k++] = Max(layers, l => l["level_vs_start"]);
        RunHistoryFeatures.Compute(s.Whole.Window, v.AsSpan(k));
        k += RunHistoryFeatures.Count;
        NormFeatures.Compute([.. layers.Select(l => l.Window)], v.AsSpan(k));
        return v;
    }

    /// <summary>The vector a trace without norm columns gives: <paramref name="features"/> with the norm block set to 0.</summary>
    public static float[] WithoutNorms(float[] features)
    {
        float[] v = [.. features];
        v.AsSpan(NormOffset).Clear();
        return v;
    }

    private static float Max(RunSnapshot.SeriesState[] layers, Func<RunSnapshot.SeriesState, float> value) => layers.Length == 0 ? 0 : layers.Max(value);
}
