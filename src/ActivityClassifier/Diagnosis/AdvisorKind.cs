namespace MLGradientInsight.ActivityClassifier.Diagnosis;

/// <summary>Which advisor ranks the actions.</summary>
public enum AdvisorKind
{
    /// <summary>The ML.NET action model.</summary>
    Model,

    /// <summary>The transparent rule baseline (the paper's reading).</summary>
    Rules,
}
