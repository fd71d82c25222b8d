namespace MLGradientInsight.Transforms.Store;

/// <summary>Describes a batch of rows that a <see cref="RunWriter"/> has committed to disk.</summary>
/// <param name="BatchNumber">The 1-based number of the batch within the run.</param>
/// <param name="Rows">The number of rows (steps, activity rows, epochs) in the batch.</param>
/// <param name="TotalRows">The number of rows committed so far in the run, this batch included.</param>
/// <param name="LastStep">The largest step written so far (0 before any step or activity row).</param>
public readonly record struct CommittedBatch(long BatchNumber, int Rows, long TotalRows, long LastStep);
