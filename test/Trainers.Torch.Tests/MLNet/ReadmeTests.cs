namespace MLGradientInsight.Trainers.Torch.Tests.MLNet;

[TestClass]
public sealed class ReadmeTests
{
    [TestMethod]
    public void The_README_s_TorchSharp_engine_snippet_is_code_of_a_test_that_runs()
    {
        string root = AppContext.BaseDirectory;
        while (!File.Exists(Path.Combine(root, "MLGradientInsight.sln")))
        {
            root = Path.GetDirectoryName(root) ?? throw new AssertFailedException("MLGradientInsight.sln not found above " + AppContext.BaseDirectory);
        }

        string readme = File.ReadAllText(Path.Combine(root, "README.md"));
        int start = readme.IndexOf("\n### ML.NET with the TorchSharp engine\n", StringComparison.Ordinal);
        Assert.IsGreaterThanOrEqualTo(0, start, "README has the section");
        string section = readme[start..readme.IndexOf("\n### ", start + 5, StringComparison.Ordinal)];
        string tests = string.Join("\n", File.ReadAllLines(Path.Combine(root, "test", "Trainers.Torch.Tests", "MLNet", "TorchSharpEngineTests.cs")).Select(l => l.Trim()));
        string[] blocks = section.Split("```csharp\n")[1..];
        Assert.HasCount(1, blocks);
        string code = string.Join("\n", blocks[0][..blocks[0].IndexOf("```", StringComparison.Ordinal)].TrimEnd().Split('\n').Select(l => l.Trim()));
        Assert.Contains(code, tests, $"README code block not found in TorchSharpEngineTests.cs:\n{code}");
    }
}
