using System.Globalization;
using System.IO.Compression;
using MLGradientInsight.ActivityClassifier.Traces;
using MLGradientInsight.Transforms.Traces;

namespace MLGradientInsight.ActivityClassifier.Training;

/// <summary>
/// The labelled corpus: <c>runs.csv</c> (manifest) and <c>traces.csv.gz</c> (trace CSV with a <c>run</c> column) in one
/// directory, as written by <c>tools/CorpusGenerator</c> (or <c>tools/torch_corpus.py</c> for PyTorch traces).
/// </summary>
/// <param name="Runs">The manifest rows.</param>
/// <param name="Traces">The traces by run name.</param>
public sealed record Corpus(IReadOnlyList<CorpusRunInfo> Runs, IReadOnlyDictionary<string, RunTrace> Traces)
{
    /// <summary>The manifest file name.</summary>
    public const string ManifestFile = "runs.csv";

    /// <summary>The trace file name.</summary>
    public const string TraceFile = "traces.csv.gz";

    /// <summary>Loads a corpus directory.</summary>
    /// <param name="directory">The directory.</param>
    /// <returns>The corpus.</returns>
    /// <exception cref="FileNotFoundException">A file is missing.</exception>
    /// <exception cref="InvalidDataException">The manifest is malformed (message names file and line).</exception>
    /// <exception cref="TraceFormatException">The traces are malformed.</exception>
    public static Corpus Load(string directory)
    {
        string manifest = Path.Combine(directory, ManifestFile), traces = Path.Combine(directory, TraceFile);
        foreach (string f in new[] { manifest, traces })
        {
            if (!File.Exists(f))
            {
                throw new FileNotFoundException($"The corpus file '{f}' does not exist. Generate the corpus with `dotnet run -c Release --project tools/CorpusGenerator -- {directory}`.", f);
            }
        }

        var runs = new List<CorpusRunInfo>();
        string[] lines = File.ReadAllLines(manifest);
        for (int i = 1; i < lines.Length; i++)
        {
            string[] c = lines[i].Split(',');
            if (c.Length < 13)
            {
                throw new InvalidDataException($"{manifest}, line {i + 1}: expected 13 columns (run,workload,seed,optimizer,condition,fault,action,onset_step,steps,status,first_loss,final_loss,effective), found {c.Length}. Regenerate the corpus.");
            }

            runs.Add(new CorpusRunInfo(c[0], c[1], int.Parse(c[2], CultureInfo.InvariantCulture), c[3], c[4], c[5], c[6],
                long.Parse(c[7], CultureInfo.InvariantCulture), long.Parse(c[8], CultureInfo.InvariantCulture), c[9], c[12] == "true"));
        }

        using var file = File.OpenRead(traces);
        using var gzip = new GZipStream(file, CompressionMode.Decompress);
        using var reader = new StreamReader(gzip);
        Dictionary<string, RunTrace> byRun = RunTrace.FromRecords(TraceCsv.Read(reader, traces)).ToDictionary(t => t.Run, StringComparer.Ordinal);
        return new Corpus(runs, byRun);
    }
}
