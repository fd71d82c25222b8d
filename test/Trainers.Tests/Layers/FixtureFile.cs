using System.Text.Json;

namespace MLGradientInsight.Trainers.Tests.Layers;

/// <summary>Reads the PyTorch fixtures written by tools/make_layer_fixtures.py.</summary>
internal static class FixtureFile
{
    public static JsonElement Load(string name)
    {
        string path = Path.Combine(AppContext.BaseDirectory, "Fixtures", "layers", name + ".json");
        using JsonDocument document = JsonDocument.Parse(File.ReadAllText(path));
        return document.RootElement.Clone();
    }

    public static Tensor ToTensor(JsonElement element)
    {
        int[] shape = [.. element.GetProperty("shape").EnumerateArray().Select(d => d.GetInt32())];
        float[] data = [.. element.GetProperty("data").EnumerateArray().Select(v => (float)v.GetDouble())];
        return new Tensor(data, shape);
    }

    public static Tensor Tensor(this JsonElement element, string property) => ToTensor(element.GetProperty(property));

    public static bool Has(this JsonElement element, string property) => element.TryGetProperty(property, out _);

    /// <summary>Copies the fixture's named tensors into parameters matched by local name (or full name).</summary>
    public static void LoadParameters(JsonElement tensors, IReadOnlyList<Parameter> parameters, bool byFullName = false)
    {
        Assert.HasCount(parameters.Count, tensors.EnumerateObject().ToList(), "parameter count differs from the fixture");
        foreach (Parameter p in parameters)
        {
            Tensor value = tensors.Tensor(byFullName ? p.Name : p.LocalName);
            value.EnsureShape(p.Shape, p.Name);
            value.Span.CopyTo(p.Weights);
        }
    }
}
