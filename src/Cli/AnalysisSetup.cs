using System.CommandLine;
using System.Globalization;
using MLGradientInsight.Analyses.Evaluation;
using MLGradientInsight.Analyses.Storage;
using MLGradientInsight.Trainers;
using MLGradientInsight.Trainers.Data;
using MLGradientInsight.Trainers.Losses;
using Spectre.Console;

namespace MLGradientInsight.Cli;

/// <summary>
/// The options <c>mlgi interpolate</c> and <c>mlgi robustness</c> share, and the model and evaluation set they rebuild from a
/// checkpoint's metadata (<c>model</c>, <c>dataset</c>, <c>seed</c>, <c>activation</c>, <c>limit</c>, written by <c>mlgi train</c>).
/// </summary>
internal sealed class AnalysisSetup
{
    private readonly Option<string?> _model = new("--model") { Description = "The architecture (default: the checkpoint's 'model' metadata, as written by mlgi train)." };
    private readonly Option<string?> _dataset = new("--dataset") { Description = "The evaluation data (default: the checkpoint's 'dataset' metadata); its test split is used." };
    private readonly Option<string?> _activation = new("--activation") { Description = "Hidden activation of mlp models (default: the checkpoint's metadata, else relu)." };
    private readonly Option<string?> _dataDirectory = new("--data-dir") { Description = "Directory of the Fashion-MNIST IDX files." };
    private readonly Option<int?> _samples = NumberOption.Create<int>("--samples", "Size of the fixed, seeded evaluation subset of the test split", NumberRange.AtLeast(1), 2000);
    private readonly Option<int?> _seed = NumberOption.Create<int>("--seed", "Seed of the evaluation subset and of any sampling", NumberRange.NonNegative, 1);
    private readonly Option<int?> _threads = NumberOption.Create<int>("--threads", "Worker threads for the kernels (1 = bit-reproducible)", NumberRange.AtLeast(1), Environment.ProcessorCount);

    public Option<string?> Csv { get; } = new("--csv") { Description = "Also write the result rows to this CSV file." };

    public Option<string> Store { get; } = new("--store") { Description = "Run store file (SQLite) the result is saved in.", DefaultValueFactory = _ => "runs.db" };

    public Option<bool> NoStore { get; } = new("--no-store") { Description = "Do not save the result in the store." };

    public int Seed(ParseResult pr) => pr.GetValue(_seed)!.Value;

    public void AddTo(Command command)
    {
        foreach (Option o in new Option[] { _model, _dataset, _activation, _dataDirectory, _samples, _seed, _threads, Csv, Store, NoStore })
        {
            command.Options.Add(o);
        }
    }

    /// <summary>Loads a checkpoint, naming the file and the fix when it is missing.</summary>
    public static ModelState LoadState(string path)
    {
        if (!File.Exists(path))
        {
            throw new CliException($"Checkpoint '{path}' does not exist. Save one with 'mlgi train --save FILE' or keep a series with 'mlgi train --checkpoint-every N'.", ExitCodes.DataError);
        }

        return ModelState.Load(path);
    }

    /// <summary>Rebuilds the model and the fixed evaluation set from the options and <paramref name="reference"/>'s metadata.</summary>
    public SequentialModelEvaluator CreateEvaluator(ParseResult pr, ModelState reference, string referencePath, IAnsiConsole console)
    {
        EngineSettings.MaxDegreeOfParallelism = pr.GetValue(_threads)!.Value;
        string? model = pr.GetValue(_model) ?? reference.Metadata.GetValueOrDefault("model");
        string? dataset = pr.GetValue(_dataset) ?? reference.Metadata.GetValueOrDefault("dataset");
        if (model is null || dataset is null)
        {
            throw new CliException(
                $"Checkpoint '{referencePath}' does not say which {(model is null ? "model" : "dataset")} it belongs to (no '{(model is null ? "model" : "dataset")}' metadata). Give --model and --dataset, e.g. --model mlp:784,256,256,256,10 --dataset fashion-mnist.");
        }

        var settings = new TrainSettings
        {
            Model = model,
            Dataset = dataset,
            Activation = pr.GetValue(_activation) ?? reference.Metadata.GetValueOrDefault("activation") ?? "relu",
            Seed = int.TryParse(reference.Metadata.GetValueOrDefault("seed"), NumberStyles.Integer, CultureInfo.InvariantCulture, out int s) ? s : 1,
            Limit = int.TryParse(reference.Metadata.GetValueOrDefault("limit"), NumberStyles.Integer, CultureInfo.InvariantCulture, out int l) ? l : null,
            DataDirectory = pr.GetValue(_dataDirectory),
        };
        (Dataset train, Dataset test) = DatasetSpec.Load(settings);
        Sequential network = ModelSpec.Create(settings, train);
        Dataset evaluation = EvaluationSet.Sample(test, pr.GetValue(_samples)!.Value, pr.GetValue(_seed)!.Value);
        Loss loss = train.ClassCount > 0 ? new SoftmaxCrossEntropyLoss() : new MseLoss();
        console.MarkupLine($"[grey]model[/] {Markup.Escape(model)}  [grey]parameters[/] {network.ParameterCount:N0}  [grey]evaluation[/] {evaluation.Count:N0} samples of {Markup.Escape(test.Name)} (seed {pr.GetValue(_seed)!.Value})");
        return new SequentialModelEvaluator(network, loss, evaluation);
    }

    /// <summary>Runs <paramref name="work"/> with a progress bar after printing what it will cost.</summary>
    public static T WithProgress<T>(IAnsiConsole console, string title, AnalysisCost cost, Func<IProgress<long>, T> work)
    {
        console.MarkupLine($"[grey]cost[/] {Markup.Escape(cost.ToString())}");
        T? result = default;
        console.Progress()
            .AutoClear(false)
            .Columns(new TaskDescriptionColumn { Alignment = Justify.Left }, new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn(), new RemainingTimeColumn())
            .Start(ctx =>
            {
                ProgressTask task = ctx.AddTask(Markup.Escape(title), maxValue: Math.Max(1, cost.Evaluations));
                result = work(new Progress(task));
                task.Value = task.MaxValue;
            });
        return result!;
    }

    /// <summary>
    /// The run an analysis of <paramref name="checkpointPath"/> belongs to, so reports show it with that run: the checkpoint's
    /// <c>run</c> metadata (written by <c>mlgi train --track</c> with <c>--save</c> or <c>--checkpoint-every</c>) when the store
    /// has that run, else the run whose <c>checkpoints</c> list names the file; null when neither says.
    /// </summary>
    public static string? RunOf(AnalysisStore store, string checkpointPath, IReadOnlyDictionary<string, string> metadata) =>
        metadata.TryGetValue(CheckpointMetadata.RunKey, out string? run) && store.Runs.TryGetRun(run, out _) ? run : store.FindRunOfCheckpoint(checkpointPath);

    /// <summary>The sentence that says where an analysis was saved and which run's report now shows it.</summary>
    public static string Saved(string id, string storePath, string tables, string? runId) =>
        $"saved analysis {id} in {storePath} ({tables})" + (runId is null
            ? "; no run is linked (the checkpoint names no run of this store), so `mlgi report` does not show it"
            : $" for run {runId}; `mlgi report {runId} --store {storePath}` shows it");

    public static string Json(params (string Key, object? Value)[] entries) =>
        System.Text.Json.JsonSerializer.Serialize(entries.ToDictionary(e => e.Key, e => e.Value));

    private sealed class Progress(ProgressTask task) : IProgress<long>
    {
        public void Report(long value) => task.Value = value;
    }
}
