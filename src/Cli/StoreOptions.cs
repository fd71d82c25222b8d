using System.CommandLine;
using MLGradientInsight.Transforms.Store;

namespace MLGradientInsight.Cli;

/// <summary>The <c>--store</c> option and store lookups shared by <c>runs</c>, <c>export</c> and <c>import</c>.</summary>
internal static class StoreOptions
{
    public static Option<string> Create() => new("--store") { Description = "Run store file (SQLite; default runs.db).", DefaultValueFactory = _ => "runs.db", HelpName = "FILE" };

    /// <summary>Opens a store that must already exist.</summary>
    public static RunStore OpenExisting(string path) => File.Exists(path)
        ? RunStore.Open(path)
        : throw CliException.BadData($"Run store '{path}' does not exist. Record a run with 'mlgi train --track --store {path}' or import one with 'mlgi import FILE --store {path}'.");

    /// <summary>Finds a run by id, id prefix or name; a miss or an ambiguous name is a bad argument (exit code 1).</summary>
    public static RunInfo FindRun(RunStore store, string idPrefixOrName)
    {
        try
        {
            return store.FindRun(idPrefixOrName);
        }
        catch (ArgumentException e)
        {
            // RunStore's message names the store, the value and the fix; drop the parameter name .NET appends.
            throw CliException.Usage(e.Message.Replace($" (Parameter '{e.ParamName}')", "", StringComparison.Ordinal));
        }
    }
}
