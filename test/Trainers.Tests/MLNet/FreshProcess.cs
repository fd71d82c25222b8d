using System.Diagnostics;
using System.Globalization;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace MLGradientInsight.Trainers.Tests.MLNet;

/// <summary>
/// Loads a saved model in a fresh process (test/ModelLoadChild) and returns the scores it prints, so a saving route is
/// checked without anything of the saving process (static state, loaded assemblies, cached ONNX sessions) helping.
/// </summary>
internal static class FreshProcess
{
    private static readonly TimeSpan s_timeout = TimeSpan.FromMinutes(2);

    /// <summary>Scores of the model at <paramref name="modelPath"/> (<paramref name="route"/>: "safetensors" or "zip") for the Features column of <paramref name="data"/>.</summary>
    public static float[][] Scores(string route, string modelPath, IDataView data, string folder)
    {
        string featuresPath = Path.Combine(folder, "features.txt");
        File.WriteAllLines(featuresPath, data.GetColumn<float[]>("Features")
            .Select(row => string.Join(' ', row.Select(v => v.ToString("R", CultureInfo.InvariantCulture)))));

        string childDll = Path.Combine(AppContext.BaseDirectory, "ModelLoadChild.dll");
        Assert.IsTrue(File.Exists(childDll), $"{childDll} is missing: the test project must reference test/ModelLoadChild.");
        var start = new ProcessStartInfo(DotnetHost())
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add("exec");
        start.ArgumentList.Add(childDll);
        start.ArgumentList.Add(route);
        start.ArgumentList.Add(modelPath);
        start.ArgumentList.Add(featuresPath);
        using Process child = Process.Start(start) ?? throw new InvalidOperationException("Could not start ModelLoadChild.");
        Task<string> stdout = child.StandardOutput.ReadToEndAsync();
        Task<string> stderr = child.StandardError.ReadToEndAsync();
        if (!child.WaitForExit(s_timeout))
        {
            child.Kill(entireProcessTree: true);
            Assert.Fail($"ModelLoadChild did not finish within {s_timeout}.");
        }

        Assert.AreEqual(0, child.ExitCode, $"ModelLoadChild failed:\n{stderr.Result}");
        return [.. stdout.Result.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(line => line.Split(' ').Select(v => float.Parse(v, CultureInfo.InvariantCulture)).ToArray())];
    }

    private static string DotnetHost()
    {
        string? current = Environment.ProcessPath;
        if (current is not null && Path.GetFileNameWithoutExtension(current) == "dotnet")
        {
            return current;
        }

        return Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host ? host : "dotnet";
    }
}
