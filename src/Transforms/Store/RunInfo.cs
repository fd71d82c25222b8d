namespace MLGradientInsight.Transforms.Store;

/// <summary>
/// One run of a <see cref="RunStore"/> (a row of the <c>runs</c> table). A plain record with public properties,
/// ready for <c>MLContext.Data.LoadFromEnumerable</c>.
/// </summary>
public sealed record RunInfo
{
    /// <summary>Gets the run id: <c>r</c> followed by 8 lower-case hex digits (<c>r3f9a01c2</c>).</summary>
    public string Id { get; init; } = "";

    /// <summary>Gets the run name given when it was started (or the <c>run</c> value of an imported trace).</summary>
    public string Name { get; init; } = "";

    /// <summary>Gets the run status.</summary>
    public RunStatus Status { get; init; }

    /// <summary>Gets when the run started (UTC).</summary>
    public DateTime StartedUtc { get; init; }

    /// <summary>Gets when the run ended (UTC), or null while it is running.</summary>
    public DateTime? EndedUtc { get; init; }

    /// <summary>Gets when the writer last committed a batch (UTC), or null when it never did.</summary>
    public DateTime? HeartbeatUtc { get; init; }

    /// <summary>Gets the number of recorded steps (rows of <c>steps</c>; for runs without them, distinct steps of <c>activity</c>).</summary>
    public long StepCount { get; init; }

    /// <summary>Gets the full configuration of the run as JSON (<c>{}</c> when none was given).</summary>
    public string ConfigJson { get; init; } = "{}";

    /// <summary>Gets the model summary text given when the run started (empty when none was given).</summary>
    public string ModelSummary { get; init; } = "";

    /// <summary>Gets the failure or interruption message, or null.</summary>
    public string? Message { get; init; }

    /// <summary>Gets the id of the process that wrote the run, or null for imported runs.</summary>
    public int? WriterProcessId { get; init; }

    /// <summary>Gets the name of the machine that wrote the run, or null for imported runs.</summary>
    public string? WriterHost { get; init; }
}
