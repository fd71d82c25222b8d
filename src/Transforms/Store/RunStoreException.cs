namespace MLGradientInsight.Transforms.Store;

/// <summary>
/// The file given to <see cref="RunStore.Open(string)"/> cannot be used as a run store: it is not a SQLite
/// database, it is a SQLite database of another application, or its schema version is not supported.
/// The message names the file and says what to do.
/// </summary>
public sealed class RunStoreException : InvalidOperationException
{
    /// <summary>Initializes a new instance of the <see cref="RunStoreException"/> class.</summary>
    /// <param name="filePath">The store file.</param>
    /// <param name="message">The message (names the file and the fix).</param>
    /// <param name="foundVersion">The schema version found in the file, or null when it has none.</param>
    /// <param name="innerException">The underlying error, or null.</param>
    public RunStoreException(string filePath, string message, int? foundVersion = null, Exception? innerException = null)
        : base(message, innerException)
    {
        FilePath = filePath;
        FoundVersion = foundVersion;
    }

    /// <summary>Gets the path of the store file.</summary>
    public string FilePath { get; }

    /// <summary>Gets the schema version found in the file, or null when it has none.</summary>
    public int? FoundVersion { get; }

    /// <summary>Gets the newest schema version this library reads and writes.</summary>
    public static int SupportedVersion => RunStore.SchemaVersion;
}
