namespace MLGradientInsight.Trainers.MLNet;

/// <summary>The input row of the scoring mapping: the features (column renamed by the schema definition).</summary>
internal sealed class NetworkInputRow
{
    /// <summary>Gets or sets the feature vector.</summary>
    public float[] Features { get; set; } = [];
}

/// <summary>The output row of multiclass scoring: ML.NET's standard <c>Score</c> and <c>PredictedLabel</c> columns.</summary>
internal sealed class MulticlassOutputRow
{
    /// <summary>Gets or sets the class probabilities (softmax of the network's outputs), one per class in key order.</summary>
    public float[] Score { get; set; } = [];

    /// <summary>Gets or sets the predicted class as its 0-based index; ML.NET exposes it as the 1-based key (index + 1; 0 is ML.NET's missing key).</summary>
    public uint PredictedLabel { get; set; }
}

/// <summary>The output row of regression scoring: ML.NET's standard <c>Score</c> column.</summary>
internal sealed class RegressionOutputRow
{
    /// <summary>Gets or sets the predicted value.</summary>
    public float Score { get; set; }
}
