using System.Text.Json;

namespace MLGradientInsight.Trainers.Tests.Optimizers;

/// <summary>Reads the JSON fixtures written by <c>tools/make_optimizer_fixtures.py</c>.</summary>
internal static class Fixtures
{
    private static readonly Lazy<JsonDocument> s_optimizers = new(() => Load("optimizers.json"));
    private static readonly Lazy<JsonDocument> s_schedules = new(() => Load("schedules.json"));

    public static JsonElement Optimizers => s_optimizers.Value.RootElement;

    public static JsonElement Schedules => s_schedules.Value.RootElement;

    public static float[] Floats(JsonElement array) => [.. array.EnumerateArray().Select(e => (float)e.GetDouble())];

    public static JsonElement Case(JsonElement root, string name) =>
        root.GetProperty("cases").EnumerateArray().Single(c => c.GetProperty("name").GetString() == name);

    private static JsonDocument Load(string file)
    {
        string path = Path.Combine(AppContext.BaseDirectory, "Fixtures", "optimizers", file);
        return JsonDocument.Parse(File.ReadAllText(path));
    }
}
