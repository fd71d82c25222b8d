namespace MLGradientInsight.ActivityClassifier.Shapes;

/// <summary>The lower-case names of <see cref="ActivityShape"/> used in CSV, JSON and model labels.</summary>
public static class ShapeNames
{
    private static readonly string[] s_names = ["uniform", "chaotic", "rising", "decaying"];

    /// <summary>Gets the names in <see cref="ActivityShape"/> order.</summary>
    public static IReadOnlyList<string> All => s_names;

    /// <summary>The name of a shape.</summary>
    /// <param name="shape">The shape.</param>
    /// <returns>Its name (<c>uniform</c> …).</returns>
    public static string Of(ActivityShape shape) => s_names[(int)shape];

    /// <summary>The shape called <paramref name="name"/>.</summary>
    /// <param name="name">A name from <see cref="All"/>.</param>
    /// <returns>The shape.</returns>
    /// <exception cref="ArgumentException">Unknown name.</exception>
    public static ActivityShape Parse(string name)
    {
        int i = Array.IndexOf(s_names, name);
        return i >= 0 ? (ActivityShape)i : throw new ArgumentException($"Unknown shape '{name}'; expected one of {string.Join(", ", s_names)}.", nameof(name));
    }
}
