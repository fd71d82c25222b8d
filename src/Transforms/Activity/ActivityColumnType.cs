namespace MLGradientInsight.Transforms.Activity;

/// <summary>The value type of an activity-trace column (<see cref="ActivityColumn"/>).</summary>
public enum ActivityColumnType
{
    /// <summary>Text (run, layer).</summary>
    Text,

    /// <summary>A 32-bit integer (epoch, non-finite count).</summary>
    Int32,

    /// <summary>A 64-bit integer (step).</summary>
    Int64,

    /// <summary>A double; NaN means missing.</summary>
    Double,
}
