using System.Globalization;
using System.IO.Compression;
using MLGradientInsight.CorpusGenerator;
using MLGradientInsight.Trainers;

// Usage: corpus-generator [OUTPUT_DIR] [--seeds 1,2,3] [--only WORKLOAD]
// Writes OUTPUT_DIR/traces.csv.gz (one trace CSV, `run` column) and OUTPUT_DIR/runs.csv (the labels).
string output = args.Length > 0 && !args[0].StartsWith("--", StringComparison.Ordinal) ? args[0] : "data/classifier-corpus";
int[] seeds = [1, 2, 3];
string? only = null;
for (int i = 0; i < args.Length - 1; i++)
{
    if (args[i] == "--seeds")
    {
        seeds = [.. args[i + 1].Split(',').Select(s => int.Parse(s, CultureInfo.InvariantCulture))];
    }
    else if (args[i] == "--only")
    {
        only = args[i + 1];
    }
}

EngineSettings.MaxDegreeOfParallelism = 1;
Directory.CreateDirectory(output);
var runs = new List<CorpusRun>();
string tracePath = Path.Combine(output, "traces.csv.gz");
using (var file = File.Create(tracePath))
using (var gzip = new GZipStream(file, CompressionLevel.SmallestSize))
using (var writer = new StreamWriter(gzip))
{
    CorpusWriter.WriteHeader(writer);
    foreach (Workload workload in Workload.All.Where(w => only is null || w.Name == only))
    {
        foreach (int seed in seeds)
        {
            CorpusRun? healthy = null;
            foreach (Condition condition in Condition.All)
            {
                if (!condition.AppliesTo(workload))
                {
                    continue;
                }

                CorpusRun run = RunFactory.Train(workload, condition, seed);
                healthy ??= run;
                run.Effective = Effectiveness.IsEffective(run, healthy);
                CorpusWriter.WriteTrace(writer, run);
                runs.Add(run);
                Console.WriteLine($"{run.Name,-45} {(run.Effective ? "used" : "unused"),-6} {run.Status,-10} steps {run.Steps,5}  loss {run.FirstLoss,8:G4} → {run.FinalLoss,8:G4}");
            }
        }
    }
}

CorpusWriter.WriteManifest(Path.Combine(output, "runs.csv"), runs);
Console.WriteLine($"{runs.Count} runs → {output}");
