using System.Globalization;
using System.Text;
using System.Text.Json;

namespace MLGradientInsight.Analyses.Storage;

/// <summary>A saved first-layer importance map (a row of the <c>importance_maps</c> table, docs/store-schema.md).</summary>
/// <param name="Id">The map's id (<c>a</c> + 8 hex digits).</param>
/// <param name="RunId">The run it belongs to, or null.</param>
/// <param name="CreatedUtc">When it was saved, ISO 8601 UTC.</param>
/// <param name="Source">The checkpoint file it was computed from.</param>
/// <param name="Criterion">The criterion (<c>ConnectionSensitivity</c>, <c>Fisher</c>, …).</param>
/// <param name="Samples">How many samples the gradients were taken over.</param>
/// <param name="Map">The map, [row, column]; NaN/±∞ where the importance was not finite.</param>
public sealed record ImportanceMapRecord(string Id, string? RunId, string CreatedUtc, string Source, string Criterion, int Samples, float[,] Map)
{
    /// <summary>Writes a map as the <c>values_json</c> column: a JSON array, row-major, <c>"NaN"</c>/<c>"Infinity"</c>/<c>"-Infinity"</c> for non-finite cells.</summary>
    internal static string ToJson(float[,] map)
    {
        var b = new StringBuilder(map.Length * 10);
        b.Append('[');
        bool first = true;
        foreach (float v in map)
        {
            if (!first)
            {
                b.Append(',');
            }

            first = false;
            b.Append(float.IsFinite(v) ? v.ToString("R", CultureInfo.InvariantCulture) : $"\"{v.ToString(CultureInfo.InvariantCulture)}\"");
        }

        return b.Append(']').ToString();
    }

    /// <summary>Reads the <c>values_json</c> column back.</summary>
    /// <exception cref="InvalidDataException">The JSON does not hold <paramref name="rows"/> × <paramref name="columns"/> numbers.</exception>
    internal static float[,] FromJson(string json, int rows, int columns)
    {
        using JsonDocument document = JsonDocument.Parse(json);
        JsonElement array = document.RootElement;
        if (array.ValueKind != JsonValueKind.Array || array.GetArrayLength() != rows * columns)
        {
            throw new InvalidDataException($"An importance map's values_json holds {(array.ValueKind == JsonValueKind.Array ? array.GetArrayLength() : 0)} values where its rows × columns = {rows} × {columns} needs {rows * columns}; the row is damaged, save the map again with mlgi importance.");
        }

        var map = new float[rows, columns];
        int i = 0;
        foreach (JsonElement e in array.EnumerateArray())
        {
            map[i / columns, i % columns] = e.ValueKind == JsonValueKind.String
                ? float.Parse(e.GetString()!, NumberStyles.Float, CultureInfo.InvariantCulture)
                : e.GetSingle();
            i++;
        }

        return map;
    }
}
