using System.Globalization;
using MLGradientInsight.Trainers.Checkpoints;

namespace MLGradientInsight.Analyses.Checkpoints;

/// <summary>
/// The checkpoints a run kept (<see cref="CheckpointRecorder"/>, <c>mlgi train --checkpoint-every N</c>): a folder of
/// <c>step-00000000.safetensors</c> files whose metadata holds <c>step</c>, <c>epoch</c> and <c>loss</c>, plus
/// <c>gradient-rms.safetensors</c> (√mean g² per weight over the run) when the run finished.
/// </summary>
public sealed class CheckpointSeries
{
    /// <summary>The file name of the RMS-gradient statistics.</summary>
    public const string GradientRmsFileName = "gradient-rms.safetensors";

    private CheckpointSeries(string directory, IReadOnlyList<CheckpointEntry> entries, string? gradientRmsPath)
    {
        Directory = directory;
        Entries = entries;
        GradientRmsPath = gradientRmsPath;
    }

    /// <summary>Gets the folder.</summary>
    public string Directory { get; }

    /// <summary>Gets the checkpoints by step.</summary>
    public IReadOnlyList<CheckpointEntry> Entries { get; }

    /// <summary>Gets the RMS-gradient file, or null when the run did not write one (it is written when training ends).</summary>
    public string? GradientRmsPath { get; }

    /// <summary>Reads a checkpoint folder.</summary>
    /// <param name="directory">The folder.</param>
    /// <returns>The series, sorted by step.</returns>
    /// <exception cref="DirectoryNotFoundException">The folder does not exist.</exception>
    /// <exception cref="InvalidDataException">The folder holds no <c>step-*.safetensors</c> file, or a file's step is unreadable.</exception>
    /// <exception cref="CheckpointException">A checkpoint file is invalid.</exception>
    public static CheckpointSeries Read(string directory)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(directory);
        if (!System.IO.Directory.Exists(directory))
        {
            throw new DirectoryNotFoundException(
                $"The checkpoint folder '{directory}' does not exist. Keep checkpoints with 'mlgi train --checkpoint-every N --checkpoint-dir {directory}'.");
        }

        var entries = new List<CheckpointEntry>();
        foreach (string path in System.IO.Directory.EnumerateFiles(directory, "step-*.safetensors"))
        {
            IReadOnlyDictionary<string, string> meta = SafeTensors.Load(path).Metadata;
            string stem = Path.GetFileNameWithoutExtension(path)["step-".Length..];
            if (!long.TryParse(meta.GetValueOrDefault("step", stem), NumberStyles.Integer, CultureInfo.InvariantCulture, out long step))
            {
                throw new InvalidDataException($"Checkpoint '{path}': its step (metadata 'step' or the file name) is not an integer. Name checkpoints step-NNNNNNNN.safetensors.");
            }

            int epoch = int.TryParse(meta.GetValueOrDefault("epoch"), NumberStyles.Integer, CultureInfo.InvariantCulture, out int e) ? e : 0;
            double loss = double.TryParse(meta.GetValueOrDefault("loss"), NumberStyles.Float, CultureInfo.InvariantCulture, out double l) ? l : double.NaN;
            entries.Add(new CheckpointEntry(path, step, epoch, loss));
        }

        if (entries.Count == 0)
        {
            throw new InvalidDataException(
                $"The folder '{directory}' holds no step-*.safetensors checkpoints. Keep them with 'mlgi train --checkpoint-every N --checkpoint-dir {directory}'.");
        }

        entries.Sort((a, b) => a.Step.CompareTo(b.Step));
        string rms = Path.Combine(directory, GradientRmsFileName);
        return new CheckpointSeries(directory, entries, File.Exists(rms) ? rms : null);
    }
}
