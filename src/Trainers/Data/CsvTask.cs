namespace MLGradientInsight.Trainers.Data;

/// <summary>What the label column of a CSV file holds.</summary>
public enum CsvTask
{
    /// <summary>Class labels (numbers or text), mapped to class indices 0..C−1.</summary>
    Classification,

    /// <summary>Numeric targets, one value per row (target shape (N, 1)).</summary>
    Regression,
}
