using System.Diagnostics.CodeAnalysis;

namespace MLGradientInsight.Trainers.Optimizers;

/// <summary>Validation of optimizer and schedule hyper-parameters; every failure names the parameter.</summary>
internal static class OptionChecks
{
    /// <summary>Requires a finite value ≥ 0.</summary>
    public static void NonNegative(float value, string paramName)
    {
        if (!float.IsFinite(value) || value < 0)
        {
            Throw(paramName, value, "must be finite and ≥ 0");
        }
    }

    /// <summary>Requires a finite value &gt; 0.</summary>
    public static void Positive(float value, string paramName)
    {
        if (!float.IsFinite(value) || value <= 0)
        {
            Throw(paramName, value, "must be finite and > 0");
        }
    }

    /// <summary>Requires 0 ≤ value &lt; 1.</summary>
    public static void UnitInterval(float value, string paramName)
    {
        if (!(value >= 0 && value < 1))
        {
            Throw(paramName, value, "must lie in [0, 1)");
        }
    }

    /// <summary>Requires 0 ≤ value ≤ 1.</summary>
    public static void ClosedUnitInterval(float value, string paramName)
    {
        if (!(value >= 0 && value <= 1))
        {
            Throw(paramName, value, "must lie in [0, 1]");
        }
    }

    /// <summary>Requires 0 &lt; value &lt; 1.</summary>
    public static void OpenUnitInterval(float value, string paramName)
    {
        if (!(value > 0 && value < 1))
        {
            Throw(paramName, value, "must lie in (0, 1)");
        }
    }

    [DoesNotReturn]
    public static void Throw(string paramName, object value, string rule) =>
        throw new ArgumentOutOfRangeException(paramName, value, $"{paramName} {rule} (got {value}).");
}
