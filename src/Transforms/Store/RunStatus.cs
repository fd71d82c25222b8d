namespace MLGradientInsight.Transforms.Store;

/// <summary>The state of a run in a <see cref="RunStore"/> (the <c>runs.status</c> column).</summary>
public enum RunStatus
{
    /// <summary>A writer is (or was, until the store is next opened) recording the run: <c>running</c>.</summary>
    Running,

    /// <summary>The run finished and its writer called <see cref="RunWriter.Complete"/>: <c>completed</c>.</summary>
    Completed,

    /// <summary>
    /// The run stopped without completing: its writer process died (found when the store is next opened)
    /// or the writer was disposed without <see cref="RunWriter.Complete"/> or <see cref="RunWriter.Fail"/>: <c>interrupted</c>.
    /// </summary>
    Interrupted,

    /// <summary>The run stopped with an error recorded by <see cref="RunWriter.Fail"/>: <c>failed</c>.</summary>
    Failed,
}
