namespace MLGradientInsight.Cli;

/// <summary>
/// Checks an output file path before any work starts (so a long run never ends by failing to write its result):
/// missing folders are created, like the run store does; a path that is a folder, or a folder that cannot be
/// written, is refused with the option, the path and the fix.
/// </summary>
internal static class OutputPath
{
    /// <summary>Prepares <paramref name="path"/> for writing and returns its full path.</summary>
    /// <param name="option">The option that named it (<c>--save</c>).</param>
    /// <param name="path">The path as given.</param>
    /// <param name="console">Where to say that a folder was created.</param>
    /// <returns>The full path.</returns>
    /// <exception cref="CliException">The path cannot be written (exit code 1).</exception>
    public static string Prepare(string option, string path, CliConsole console)
    {
        if (string.IsNullOrWhiteSpace(path))
        {
            throw CliException.Usage($"{option} needs a file path.");
        }

        string full = Path.GetFullPath(path);
        if (Directory.Exists(full))
        {
            throw CliException.Usage($"{option} '{path}' is a folder; give a file path such as '{Path.Combine(path, "model.safetensors")}'.");
        }

        string folder = Path.GetDirectoryName(full)!;
        if (!Directory.Exists(folder))
        {
            try
            {
                Directory.CreateDirectory(folder);
                console.Status($"created folder {folder} for {option}");
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                throw CliException.Usage($"{option} '{path}': the folder '{folder}' does not exist and cannot be created ({Reason(e)}). Create it or choose another path.");
            }
        }

        string probe = Path.Combine(folder, $".mlgi-write-test-{Environment.ProcessId}-{Guid.NewGuid():N}");
        try
        {
            File.WriteAllBytes(probe, []);
            File.Delete(probe);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw CliException.Usage($"{option} '{path}': cannot write into the folder '{folder}' ({Reason(e)}). Check its permissions or choose another path.");
        }

        if (File.Exists(full) && (File.GetAttributes(full) & FileAttributes.ReadOnly) != 0)
        {
            throw CliException.Usage($"{option} '{path}' exists and is read-only. Remove it, make it writable or choose another path.");
        }

        return full;
    }

    private static string Reason(Exception e) => e is UnauthorizedAccessException ? "permission denied" : e.Message.TrimEnd('.');
}
