namespace MLGradientInsight.Analyses.Storage;

/// <summary>One saved analysis (a row of the <c>analyses</c> table, docs/store-schema.md).</summary>
/// <param name="Id">The analysis id (<c>a</c> + 8 hex digits).</param>
/// <param name="Kind"><c>trajectory</c>, <c>linear_path</c> or <c>robustness</c>.</param>
/// <param name="RunId">The run it belongs to.</param>
/// <param name="CreatedUtc">When it was saved, ISO 8601 UTC (<c>2026-11-29T07:45:00.000Z</c>).</param>
/// <param name="Source">What it was computed from (a checkpoint folder, or <c>CKPT0 -> CKPT1</c>).</param>
/// <param name="ConfigJson">The options as JSON.</param>
public sealed record AnalysisInfo(string Id, string Kind, string RunId, string CreatedUtc, string Source, string ConfigJson);
