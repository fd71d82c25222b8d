namespace MLGradientInsight.Cli.Tests;

/// <summary>What one <c>mlgi</c> run printed.</summary>
/// <param name="ExitCode">The exit code.</param>
/// <param name="Out">Standard output.</param>
/// <param name="Err">Standard error.</param>
internal sealed record CliResult(int ExitCode, string Out, string Err)
{
    /// <summary>Gets both streams, stdout first.</summary>
    public string Output => Out + Err;

    public void Deconstruct(out int exitCode, out string output)
    {
        exitCode = ExitCode;
        output = Output;
    }
}

/// <summary>Runs <c>mlgi</c> in-process with captured stdout and stderr (not a terminal unless asked).</summary>
internal static class CliRunner
{
    public static CliResult Run(params string[] args) => RunWith(new StringWriter(), false, 200, args);

    /// <summary>Runs with stderr as a live terminal of <paramref name="width"/> columns (the progress line is drawn there).</summary>
    public static CliResult RunLive(int width, params string[] args) => RunWith(new StringWriter(), true, width, args);

    private static CliResult RunWith(StringWriter err, bool live, int width, string[] args)
    {
        var output = new StringWriter();
        int code = MlgiApp.Run(args, new CliConsole(output, err, isTerminal: false, width, live));
        return new CliResult(code, output.ToString(), err.ToString());
    }

    public static string TempPath(string extension) => Path.Combine(Path.GetTempPath(), $"mlgi-test-{Guid.NewGuid():N}{extension}");

    /// <summary>Deletes a store with its WAL files.</summary>
    public static void DeleteStore(string path)
    {
        foreach (string suffix in new[] { "", "-wal", "-shm" })
        {
            File.Delete(path + suffix);
        }
    }
}
