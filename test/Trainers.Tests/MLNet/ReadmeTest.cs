namespace MLGradientInsight.Trainers.Tests.MLNet;

[TestClass]
public sealed class ReadmeTest
{
    [TestMethod]
    public void Every_code_block_of_the_README_s_ML_NET_section_is_code_of_a_test_that_runs()
    {
        string root = AppContext.BaseDirectory;
        while (!File.Exists(Path.Combine(root, "MLGradientInsight.sln")))
        {
            root = Path.GetDirectoryName(root) ?? throw new AssertFailedException("MLGradientInsight.sln not found above " + AppContext.BaseDirectory);
        }

        string readme = File.ReadAllText(Path.Combine(root, "README.md"));
        int start = readme.IndexOf("\n## ML.NET\n", StringComparison.Ordinal);
        Assert.IsGreaterThanOrEqualTo(0, start, "README has an ML.NET section");
        string section = readme[start..readme.IndexOf("\n## ", start + 5, StringComparison.Ordinal)];
        string tests = string.Concat(Directory.GetFiles(Path.Combine(root, "test", "Trainers.Tests", "MLNet"), "*.cs")
            .Select(f => string.Join("\n", File.ReadAllLines(f).Select(l => l.Trim())) + "\n"));
        string[] blocks = section.Split("```csharp\n")[1..];
        Assert.IsGreaterThanOrEqualTo(3, blocks.Length);
        foreach (string block in blocks)
        {
            string code = string.Join("\n", block[..block.IndexOf("```", StringComparison.Ordinal)].TrimEnd().Split('\n').Select(l => l.Trim()));
            Assert.Contains(code, tests, $"README code block not found in test/Trainers.Tests/MLNet:\n{code}");
        }
    }
}
