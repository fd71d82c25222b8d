using Microsoft.ML;
using MLGradientInsight.ActivityClassifier.Features;

namespace MLGradientInsight.ActivityClassifier.Training;

/// <summary>Creates ML.NET contexts with our components registered and loads model zips (embedded or from a stream).</summary>
internal static class ModelResources
{
    public static MLContext CreateContext(int seed)
    {
        var ml = new MLContext(seed);
        ml.ComponentCatalog.RegisterAssembly(typeof(WindowFeaturizerFactory).Assembly);
        return ml;
    }

    public static ITransformer Load(string resourceName, out MLContext ml, out DataViewSchema inputSchema)
    {
        using Stream? stream = typeof(ModelResources).Assembly.GetManifestResourceStream(resourceName)
            ?? throw new InvalidOperationException(
                $"The model resource '{resourceName}' is missing from {typeof(ModelResources).Assembly.GetName().Name}. " +
                "Rebuild the models with `mlgi classifier train` (it writes src/ActivityClassifier/Models/*.zip) and rebuild the project.");
        return Load(stream, out ml, out inputSchema);
    }

    public static ITransformer Load(Stream stream, out MLContext ml, out DataViewSchema inputSchema)
    {
        ml = CreateContext(1);
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        copy.Position = 0;
        return ml.Model.Load(copy, out inputSchema);
    }
}
