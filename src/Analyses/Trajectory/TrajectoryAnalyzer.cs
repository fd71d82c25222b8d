using System.Numerics.Tensors;
using MLGradientInsight.Analyses.Checkpoints;
using MLGradientInsight.Analyses.Evaluation;
using MLGradientInsight.Trainers.Checkpoints;

namespace MLGradientInsight.Analyses.Trajectory;

/// <summary>
/// Trajectory pictures drawn after training from a run's checkpoints: 001's random-plane picture (plain or weighted by
/// the RMS gradient, UPD 2), the PCA picture with its random-walk baseline, and the canyon / circling label per window.
/// </summary>
public static class TrajectoryAnalyzer
{
    /// <summary>The default number of points per regime window: 20.</summary>
    public const int DefaultWindow = 20;

    /// <summary>The default efficiency at or above which a window is a canyon: 0.5.</summary>
    public const double DefaultCanyonThreshold = 0.5;

    private static readonly string[] s_runningSuffixes = [".running_mean", ".running_var", ".num_batches_tracked"];

    /// <summary>Projects every checkpoint on the seeded random plane of 001 (one checkpoint in memory at a time).</summary>
    /// <param name="series">The checkpoints.</param>
    /// <param name="seed">The seed of the directions (the same seed as <see cref="TrajectoryRecorder"/> gives the same picture).</param>
    /// <param name="gradientRms">For the weighted picture (001 UPD 2): √mean g² per weight over the run (<see cref="CheckpointSeries.GradientRmsPath"/>), or null for the plain picture.</param>
    /// <param name="progress">Receives the number of checkpoints done, or null.</param>
    /// <returns>One point per checkpoint, variant <c>random</c> or <c>weighted</c>.</returns>
    /// <exception cref="InvalidDataException">A checkpoint's tensors differ from the first one's.</exception>
    /// <exception cref="CheckpointException">A file is invalid.</exception>
    public static IReadOnlyList<TrajectoryPoint> Project(CheckpointSeries series, int seed, ModelState? gradientRms = null, IProgress<long>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(series);
        SafeTensorsFile first = SafeTensors.Load(series.Entries[0].Path);
        string[] names = ParameterNames(first);
        int[] lengths = [.. names.Select(n => first[n].Length)];
        IReadOnlyList<float[]>? scales = null;
        if (gradientRms is not null)
        {
            string[] missing = [.. names.Where(n => !gradientRms.Names.Contains(n))];
            if (missing.Length > 0)
            {
                throw new InvalidDataException($"The RMS-gradient statistics lack {string.Join(", ", missing)}; they belong to another model. Use the {CheckpointSeries.GradientRmsFileName} of the same run.");
            }

            scales = [.. names.Select(n => gradientRms[n].ToArray())];
        }

        var projection = new RandomPlaneProjection(lengths, seed, scales);
        string variant = gradientRms is null ? "random" : "weighted";
        var points = new List<TrajectoryPoint>(series.Entries.Count);
        foreach (CheckpointEntry entry in series.Entries)
        {
            SafeTensorsFile file = entry == series.Entries[0] ? first : SafeTensors.Load(entry.Path);
            double x = 0, y = 0;
            for (int t = 0; t < names.Length; t++)
            {
                (double px, double py) = projection.ProjectTensor(t, Tensor(file, names[t], lengths[t]));
                x += px;
                y += py;
            }

            points.Add(new TrajectoryPoint(variant, entry.Step, entry.Epoch, x, y, entry.Loss));
            progress?.Report(points.Count);
        }

        return points;
    }

    /// <summary>Projects the checkpoints on their first two principal components, and a same-step-length random walk on its own.</summary>
    /// <param name="series">The checkpoints (at least 3). All are held in memory: K × P floats, twice (trajectory and walk).</param>
    /// <param name="seed">The seed of the random walk.</param>
    /// <param name="progress">Receives the number of checkpoints loaded, or null.</param>
    /// <returns>Both pictures with their explained variances.</returns>
    /// <exception cref="ArgumentException">There are fewer than 3 checkpoints.</exception>
    public static PcaTrajectory Pca(CheckpointSeries series, int seed, IProgress<long>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(series);
        if (series.Entries.Count < 3)
        {
            throw new ArgumentException($"PCA of a trajectory needs at least 3 checkpoints; '{series.Directory}' has {series.Entries.Count}. Keep more with a smaller --checkpoint-every.", nameof(series));
        }

        SafeTensorsFile first = SafeTensors.Load(series.Entries[0].Path);
        string[] names = ParameterNames(first);
        int[] lengths = [.. names.Select(n => first[n].Length)];
        int p = lengths.Sum();
        float[][] rows = new float[series.Entries.Count][];
        for (int k = 0; k < rows.Length; k++)
        {
            SafeTensorsFile file = k == 0 ? first : SafeTensors.Load(series.Entries[k].Path);
            rows[k] = new float[p];
            int offset = 0;
            for (int t = 0; t < names.Length; t++)
            {
                Tensor(file, names[t], lengths[t]).CopyTo(rows[k].AsSpan(offset));
                offset += lengths[t];
            }

            progress?.Report(k + 1);
        }

        (double[,] scores, double[] explained) = Pca(rows);
        var points = new List<TrajectoryPoint>(rows.Length);
        for (int k = 0; k < rows.Length; k++)
        {
            CheckpointEntry e = series.Entries[k];
            points.Add(new TrajectoryPoint("pca", e.Step, e.Epoch, scores[k, 0], scores[k, 1], e.Loss));
        }

        float[][] walk = RandomWalkLike(rows, seed);
        (double[,] walkScores, double[] walkExplained) = Pca(walk);
        var walkPoints = new List<TrajectoryPoint>(walk.Length);
        for (int k = 0; k < walk.Length; k++)
        {
            CheckpointEntry e = series.Entries[k];
            walkPoints.Add(new TrajectoryPoint("random-walk-pca", e.Step, e.Epoch, walkScores[k, 0], walkScores[k, 1], double.NaN));
        }

        return new PcaTrajectory(points, explained, walkPoints, walkExplained);
    }

    /// <summary>
    /// Labels consecutive windows of a trajectory with 001's two regimes. The measure is the window's efficiency,
    /// displacement / path length in the plane: ≥ <paramref name="threshold"/> is a canyon (a steady drift), below is
    /// circling in a compact area. Windows share their boundary point; a last window of at least 3 points is kept.
    /// </summary>
    /// <param name="points">The trajectory, by step.</param>
    /// <param name="window">Points per window, at least 3.</param>
    /// <param name="threshold">The canyon threshold in (0, 1].</param>
    /// <returns>One label per window.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="window"/> &lt; 3 or <paramref name="threshold"/> outside (0, 1].</exception>
    public static IReadOnlyList<TrajectoryWindow> LabelRegimes(IReadOnlyList<TrajectoryPoint> points, int window = DefaultWindow, double threshold = DefaultCanyonThreshold)
    {
        ArgumentNullException.ThrowIfNull(points);
        ArgumentOutOfRangeException.ThrowIfLessThan(window, 3);
        if (!(threshold > 0 && threshold <= 1))
        {
            throw new ArgumentOutOfRangeException(nameof(threshold), threshold, "The canyon threshold is an efficiency in (0, 1], e.g. 0.5.");
        }

        var windows = new List<TrajectoryWindow>();
        for (int start = 0; start + 2 < points.Count; start += window - 1)
        {
            int end = Math.Min(start + window - 1, points.Count - 1);
            double path = 0;
            for (int i = start; i < end; i++)
            {
                path += Distance(points[i], points[i + 1]);
            }

            double displacement = Distance(points[start], points[end]);
            double efficiency = path > 0 ? displacement / path : 0;
            windows.Add(new TrajectoryWindow(
                points[start].Variant, points[start].Step, points[end].Step, end - start + 1, path, displacement, efficiency, threshold,
                efficiency >= threshold ? "canyon" : "circling"));
            if (end == points.Count - 1)
            {
                break;
            }
        }

        return windows;
    }

    /// <summary>PCA of the rows (centred in place) through their Gram matrix: scores on PC1/PC2 and explained-variance fractions.</summary>
    internal static (double[,] Scores, double[] Explained) Pca(float[][] rows)
    {
        int k = rows.Length, p = rows[0].Length;
        float[] mean = new float[p];
        foreach (float[] r in rows)
        {
            TensorPrimitives.Add(mean, r, mean);
        }

        TensorPrimitives.Divide(mean, k, mean);
        foreach (float[] r in rows)
        {
            TensorPrimitives.Subtract(r, mean, r);
        }

        double[] gram = new double[k * k];
        for (int a = 0; a < k; a++)
        {
            for (int b = a; b < k; b++)
            {
                double dot = 0;
                for (int offset = 0; offset < p; offset += 4096)
                {
                    // Float partial sums over short chunks, accumulated in double.
                    int n = Math.Min(4096, p - offset);
                    dot += TensorPrimitives.Dot(rows[a].AsSpan(offset, n), rows[b].AsSpan(offset, n));
                }

                gram[(a * k) + b] = dot;
                gram[(b * k) + a] = dot;
            }
        }

        (double[] values, double[] vectors) = SymmetricEigen.Decompose(gram, k);
        double total = values.Sum(v => Math.Max(v, 0));
        double[] explained = [.. values.Take(k - 1).Select(v => total > 0 ? Math.Max(v, 0) / total : 0)];
        double[,] scores = new double[k, 2];
        for (int j = 0; j < 2; j++)
        {
            double scale = Math.Sqrt(Math.Max(values[j], 0));

            // Sign convention: the trajectory starts on the negative side of each axis.
            double sign = vectors[j] > 0 ? -1 : 1;
            for (int a = 0; a < k; a++)
            {
                scores[a, j] = sign * vectors[(a * k) + j] * scale;
            }
        }

        return (scores, explained);
    }

    /// <summary>A random walk in the same dimension with the same step lengths ‖θₖ₊₁ − θₖ‖ as the rows, in random isotropic directions.</summary>
    internal static float[][] RandomWalkLike(float[][] rows, int seed)
    {
        int p = rows[0].Length;
        var random = SeedStreams.Create(seed, "random-walk");
        float[][] walk = new float[rows.Length][];
        walk[0] = new float[p];
        float[] step = new float[p];
        for (int k = 1; k < rows.Length; k++)
        {
            TensorPrimitives.Subtract(rows[k], rows[k - 1], step);
            float length = TensorPrimitives.Norm(step);
            for (int i = 0; i < p; i++)
            {
                double u1 = 1.0 - random.NextDouble(), u2 = random.NextDouble();
                step[i] = (float)(Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2.0 * Math.PI * u2));
            }

            float norm = TensorPrimitives.Norm(step);
            walk[k] = new float[p];
            TensorPrimitives.MultiplyAdd(step, norm > 0 ? length / norm : 0, walk[k - 1], walk[k]);
        }

        return walk;
    }

    private static string[] ParameterNames(SafeTensorsFile file) =>
        [.. file.Names.Where(n => !s_runningSuffixes.Any(s => n.EndsWith(s, StringComparison.Ordinal)))];

    private static ReadOnlySpan<float> Tensor(SafeTensorsFile file, string name, int length)
    {
        if (!file.Tensors.TryGetValue(name, out MLGradientInsight.Trainers.Tensor? t) || t.Length != length)
        {
            throw new InvalidDataException($"Checkpoint '{file.Path}' lacks tensor '{name}' of {length} values that the first checkpoint of the series has; all checkpoints of a series must come from one model.");
        }

        return t.Span;
    }

    private static double Distance(TrajectoryPoint a, TrajectoryPoint b) => Math.Sqrt(((a.X - b.X) * (a.X - b.X)) + ((a.Y - b.Y) * (a.Y - b.Y)));
}
