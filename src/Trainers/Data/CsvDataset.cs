namespace MLGradientInsight.Trainers.Data;

/// <summary>A dataset read from a CSV file, with its column and class names.</summary>
/// <param name="Dataset">The dataset: features (N, F); targets (N) class indices or (N, 1) regression values.</param>
/// <param name="FeatureNames">The feature column names in order (<c>column1</c>… when the file has no header).</param>
/// <param name="LabelName">The label column name.</param>
/// <param name="ClassLabels">For classification, the label text of each class index; empty for regression.</param>
public sealed record CsvDataset(Dataset Dataset, IReadOnlyList<string> FeatureNames, string LabelName, IReadOnlyList<string> ClassLabels);
