namespace MLGradientInsight.Transforms.Activity;

/// <summary>How much detail the tracker reports (000 §3.4.4). Network and layer activity are always reported.</summary>
public enum ActivityDetail
{
    /// <summary>Network and layer rows only.</summary>
    Layer = 0,

    /// <summary>Also one <see cref="UnitActivityRecord"/> per output unit (neuron or filter) of every tracked layer.</summary>
    Unit = 1,
}
