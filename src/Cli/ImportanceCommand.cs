using System.CommandLine;
using System.Globalization;
using MLGradientInsight.Analyses.GradientSpace;
using MLGradientInsight.Analyses.Storage;
using MLGradientInsight.Trainers;
using MLGradientInsight.Trainers.Checkpoints;
using MLGradientInsight.Trainers.Data;
using MLGradientInsight.Trainers.Kernels;
using Spectre.Console;

namespace MLGradientInsight.Cli;

/// <summary><c>mlgi importance CKPT</c>: important edges from per-sample gradients (003).</summary>
internal static class ImportanceCommand
{
    private static readonly Dictionary<string, ImportanceCriterion> s_criteria = new(StringComparer.Ordinal)
    {
        ["abs"] = ImportanceCriterion.MeanAbsoluteGradient,
        ["rms"] = ImportanceCriterion.RmsGradient,
        ["snip"] = ImportanceCriterion.ConnectionSensitivity,
        ["fisher"] = ImportanceCriterion.Fisher,
    };

    public static Command Create(CliConsole cli)
    {
        IAnsiConsole console = cli.Ansi();
        var checkpoint = new Argument<string>("checkpoint") { Description = "A .safetensors file written by 'mlgi train --save'." };
        var dataset = new Option<string>("--dataset") { Description = "fashion-mnist | spirals | blobs | csv:PATH[:LABEL_COLUMN]", DefaultValueFactory = _ => "fashion-mnist" };
        var model = new Option<string?>("--model") { Description = "The architecture, when the checkpoint does not name it (lenet5 | mlp:784,256,10 | …)." };
        var criterion = new Option<string>("--criterion") { Description = "abs = mean |g|, rms = RMS g, snip = |ḡ·w| (SNIP), fisher = mean g².", DefaultValueFactory = _ => "snip" };
        criterion.AcceptOnlyFromAmong([.. s_criteria.Keys]);
        var top = NumberOption.Create<int>("--top", "Edges shown per layer", NumberRange.AtLeast(1), 10);
        var csv = new Option<string?>("--csv") { Description = "Write every edge with all four criteria to this CSV file." };
        var image = new Option<string?>("--image") { Description = "Write the first layer's importance map (summed over its units, reshaped to the image) to this .svg or .png file." };
        var limit = NumberOption.Create<int>("--limit", "Training samples the gradients are taken over", NumberRange.AtLeast(1), 2000);
        var threads = NumberOption.Create<int>("--threads", "Worker threads for the kernels", NumberRange.AtLeast(1), 1);
        var dataDirectory = new Option<string?>("--data-dir") { Description = "Directory of the Fashion-MNIST IDX files." };
        var store = new Option<string>("--store") { Description = "Run store file (SQLite) the first layer's importance map is saved in, for mlgi report and mlgi serve.", DefaultValueFactory = _ => "runs.db" };
        var noStore = new Option<bool>("--no-store") { Description = "Do not save the importance map in the store." };

        image.Validators.Add(r =>
        {
            string? path = r.GetValueOrDefault<string?>();
            if (path is not null && !path.EndsWith(".svg", StringComparison.OrdinalIgnoreCase) && !path.EndsWith(".png", StringComparison.OrdinalIgnoreCase))
            {
                r.AddError($"--image {path}: SVG and PNG are written; give a file name ending in .svg or .png.");
            }
        });

        var command = new Command("importance", "Rank the edges of a trained model by gradient importance over a dataset (003, SNIP).")
        {
            checkpoint, dataset, model, criterion, top, csv, image, limit, threads, dataDirectory, store, noStore,
        };
        command.SetAction(pr =>
        {
            EngineSettings.MaxDegreeOfParallelism = pr.GetValue(threads)!.Value;
            (Sequential network, Dataset train, _) = CheckpointInput.Load(pr.GetValue(checkpoint)!, pr.GetValue(model), pr.GetValue(dataset)!, pr.GetValue(limit)!.Value, pr.GetValue(dataDirectory));
            GradientImportanceResult result = null!;
            console.Progress()
                .AutoClear(false)
                .Columns(new TaskDescriptionColumn { Alignment = Justify.Left }, new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn(), new RemainingTimeColumn())
                .Start(ctx =>
                {
                    ProgressTask task = ctx.AddTask("per-sample gradients", maxValue: train.Count);
                    result = GradientImportance.Compute(network, train, null, new SyncProgress<int>(v => task.Value = v));
                    task.Value = task.MaxValue;
                });
            ImportanceCriterion chosen = s_criteria[pr.GetValue(criterion)!];
            Show(console, result, chosen, pr.GetValue(top)!.Value);
            if (pr.GetValue(csv) is string csvPath)
            {
                WriteCsv(result, csvPath);
                console.MarkupLine($"wrote {Markup.Escape(csvPath)}");
            }

            if (pr.GetValue(image) is string imagePath)
            {
                WriteImage(FirstLayerMap(result, train, chosen, "--image"), result, chosen, imagePath);
                console.MarkupLine($"wrote {Markup.Escape(imagePath)}");
            }

            if (!pr.GetValue(noStore))
            {
                Save(console, pr.GetValue(checkpoint)!, pr.GetValue(store)!, result, train, chosen);
            }

            return ExitCodes.Ok;
        });
        return command;
    }

    private static void Show(IAnsiConsole console, GradientImportanceResult result, ImportanceCriterion criterion, int top)
    {
        var table = new Table().AddColumns("edge", "unit", "input", "weight", "mean |g|", "rms g", "snip |ḡ·w|", "fisher");
        foreach (EdgeImportance e in result.Top(criterion, top))
        {
            table.AddRow(
                Markup.Escape($"{e.Parameter}[{e.Index}]"), I(e.OutputUnit), I(e.InputIndex), F(e.Weight), F(e.MeanAbsoluteGradient), F(e.RmsGradient), F(e.ConnectionSensitivity), F(e.Fisher));
        }

        console.MarkupLine($"top {top} edges per layer by {criterion}, over {result.SampleCount} samples:");
        console.Write(table);
    }

    private static void WriteCsv(GradientImportanceResult result, string path)
    {
        using var writer = new StreamWriter(path);
        writer.WriteLine("parameter,index,output_unit,input_index,weight,mean_abs_gradient,rms_gradient,connection_sensitivity,fisher");
        foreach (EdgeImportance e in result.Edges())
        {
            writer.WriteLine(string.Join(',', e.Parameter, I(e.Index), I(e.OutputUnit), I(e.InputIndex), R(e.Weight), R(e.MeanAbsoluteGradient), R(e.RmsGradient), R(e.ConnectionSensitivity), R(e.Fisher)));
        }
    }

    /// <summary>Saves the first layer's map for the checkpoint's run (reports draw it); says why when there is none.</summary>
    private static void Save(IAnsiConsole console, string checkpointPath, string storePath, GradientImportanceResult result, Dataset train, ImportanceCriterion criterion)
    {
        float[,] map;
        try
        {
            map = FirstLayerMap(result, train, criterion, "the importance map");
        }
        catch (CliException e)
        {
            console.MarkupLine($"[grey]{Markup.Escape(e.Message)} Nothing is saved in the store.[/]");
            return;
        }

        AnalysisStore analyses = AnalysisStore.Open(storePath);
        string? runId = AnalysisSetup.RunOf(analyses, checkpointPath, SafeTensors.Load(checkpointPath).Metadata);
        string id = analyses.SaveImportanceMap(runId, Path.GetFullPath(checkpointPath), criterion.ToString(), result.SampleCount, map);
        console.WriteLine(AnalysisSetup.Saved(id, storePath, "table importance_maps", runId));
    }

    /// <summary>The first layer's importance summed over its units, in the shape of the input image.</summary>
    /// <exception cref="CliException">The data are not images, or the first layer has no per-pixel edges (a convolution).</exception>
    private static float[,] FirstLayerMap(GradientImportanceResult result, Dataset data, ImportanceCriterion criterion, string what)
    {
        ReadOnlySpan<int> shape = data.SampleShape;
        if (shape.Length < 2)
        {
            throw new CliException($"{what} needs image data (samples of shape (C, H, W) or (H, W)); dataset '{data.Name}' has samples of shape {Tensor.FormatShape(shape)}.");
        }

        try
        {
            return result.ImportanceMap(criterion, shape[^2], shape[^1]);
        }
        catch (ArgumentException e)
        {
            throw new CliException($"{what}: {e.Message.Split(" (Parameter", 2)[0]}");
        }
    }

    private static void WriteImage(float[,] map, GradientImportanceResult result, ImportanceCriterion criterion, string path)
    {
        if (path.EndsWith(".png", StringComparison.OrdinalIgnoreCase))
        {
            using FileStream stream = File.Create(path);
            HeatMapPng.Write(map, stream, 10);
            return;
        }

        using var writer = new StreamWriter(path);
        HeatMapSvg.Write(map, writer, $"{criterion} of the first layer, summed over its units ({result.SampleCount} samples)", 10);
    }

    private static string I(int v) => v.ToString(CultureInfo.InvariantCulture);

    private static string F(float v) => v.ToString("G4", CultureInfo.InvariantCulture);

    private static string R(float v) => v.ToString("R", CultureInfo.InvariantCulture);
}
