namespace MLGradientInsight.Trainers.Data;

/// <summary>Options for <see cref="CsvDatasetReader"/>.</summary>
public sealed class CsvReaderOptions
{
    /// <summary>Gets whether the first non-empty line is a header with column names. Default <see langword="true"/>.</summary>
    public bool HasHeader { get; init; } = true;

    /// <summary>Gets the name of the label column (needs <see cref="HasHeader"/>). Takes precedence over <see cref="LabelColumnIndex"/>.</summary>
    public string? LabelColumn { get; init; }

    /// <summary>Gets the 0-based index of the label column; negative values count from the end (−1 = last). Default −1.</summary>
    public int LabelColumnIndex { get; init; } = -1;

    /// <summary>Gets whether the labels are classes or regression targets. Default <see cref="CsvTask.Classification"/>.</summary>
    public CsvTask Task { get; init; } = CsvTask.Classification;

    /// <summary>Gets the cell separator. Default comma.</summary>
    public char Delimiter { get; init; } = ',';

    /// <summary>Gets the dataset name; <see langword="null"/> means the file name without extension.</summary>
    public string? Name { get; init; }

    /// <summary>Checks the values.</summary>
    /// <exception cref="ArgumentException">A label column name is given without a header, or the delimiter is a quote or line break.</exception>
    internal void Validate()
    {
        if (LabelColumn is not null && !HasHeader)
        {
            throw new ArgumentException("A label column name needs a header line; set HasHeader or use LabelColumnIndex.", nameof(LabelColumn));
        }

        if (Delimiter is '"' or '\r' or '\n')
        {
            throw new ArgumentException($"The delimiter cannot be {(Delimiter == '"' ? "a quote" : "a line break")}.", nameof(Delimiter));
        }
    }
}
