using Microsoft.Data.Sqlite;
using MLGradientInsight.Transforms.Store;

namespace MLGradientInsight.Transforms.Tests.Store;

/// <summary>A fresh temporary folder, deleted on dispose.</summary>
internal sealed class TempFolder : IDisposable
{
    public TempFolder()
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "mlgi-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Path);
    }

    public string Path { get; }

    public string File(string name) => System.IO.Path.Combine(Path, name);

    /// <summary>
    /// A version-1 store file in this folder as an older release wrote it: created by <see cref="RunStore.Open"/>, then
    /// <paramref name="table"/> (added to version 1 later) dropped.
    /// </summary>
    public string StoreWithout(string table)
    {
        string path = File("old.db");
        RunStore.Open(path);
        using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Pooling = false }.ToString());
        connection.Open();
        using SqliteCommand drop = connection.CreateCommand();
        drop.CommandText = $"DROP TABLE {table}";
        drop.ExecuteNonQuery();
        return path;
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
            // Best effort: a file may still be open on some platforms.
        }
    }
}
