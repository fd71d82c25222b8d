using System.Text.Json;
using System.Text.Json.Serialization;

namespace MLGradientInsight.Reports;

/// <summary>The JSON form of reports shared by the HTML report and the dashboard's data endpoints.</summary>
/// <remarks>camelCase names, enums as camelCase strings, and NaN/±∞ as the strings <c>"NaN"</c>, <c>"Infinity"</c>, <c>"-Infinity"</c>
/// (series values are finite by construction; this only guards summary fields).</remarks>
public static class ReportJson
{
    /// <summary>Gets the serializer options.</summary>
    public static JsonSerializerOptions Options { get; } = new(JsonSerializerDefaults.Web)
    {
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase) },
        WriteIndented = false,
    };
}
