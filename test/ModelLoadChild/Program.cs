// Loads a saved model in a fresh process and prints its scores, for MLNet/FreshProcessLoadTest.
// Usage: ModelLoadChild safetensors|zip <model path> <features file>
// The features file has one row per line, values separated by spaces (round-trip "R" format).
// Prints one line per row: the scores ("Score" of LoadModel, "output" of the zip), space separated, round-trip format.
using System.Globalization;
using Microsoft.ML;
using Microsoft.ML.Data;
using MLGradientInsight.Trainers.MLNet;

if (args.Length != 3 || args[0] is not ("safetensors" or "zip"))
{
    Console.Error.WriteLine("Usage: ModelLoadChild safetensors|zip <model path> <features file>");
    return 2;
}

float[][] rows = [.. File.ReadAllLines(args[2])
    .Where(line => line.Length > 0)
    .Select(line => line.Split(' ').Select(v => float.Parse(v, CultureInfo.InvariantCulture)).ToArray())];
int width = rows[0].Length;
var mlContext = new MLContext();
SchemaDefinition schema = SchemaDefinition.Create(typeof(FeatureRow));
schema[nameof(FeatureRow.Features)].ColumnType = new VectorDataViewType(NumberDataViewType.Single, width);
IDataView data = mlContext.Data.LoadFromEnumerable(rows.Select(r => new FeatureRow { Features = r }), schema);

(ITransformer model, string column) = args[0] == "safetensors"
    ? ((ITransformer)mlContext.GradientInsight().LoadModel(args[1]), "Score")
    : (mlContext.Model.Load(args[1], out _), "output");

foreach (float[] scores in model.Transform(data).GetColumn<float[]>(column))
{
    Console.WriteLine(string.Join(' ', scores.Select(s => s.ToString("R", CultureInfo.InvariantCulture))));
}

return 0;

/// <summary>One input row: the feature vector.</summary>
internal sealed class FeatureRow
{
    public float[] Features { get; set; } = [];
}
