namespace MLGradientInsight.ActivityClassifier.Actions;

/// <summary>The lower-case names of <see cref="TrainingAction"/> used in JSON, CSV and model labels.</summary>
public static class ActionNames
{
    private static readonly string[] s_names = ["continue", "lower-learning-rate", "raise-learning-rate", "check-architecture", "check-initialization", "check-data"];

    /// <summary>Gets the names in <see cref="TrainingAction"/> order.</summary>
    public static IReadOnlyList<string> All => s_names;

    /// <summary>The name of an action.</summary>
    /// <param name="action">The action.</param>
    /// <returns>Its name.</returns>
    public static string Of(TrainingAction action) => s_names[(int)action];

    /// <summary>The action called <paramref name="name"/>.</summary>
    /// <param name="name">A name from <see cref="All"/>.</param>
    /// <returns>The action.</returns>
    /// <exception cref="ArgumentException">Unknown name.</exception>
    public static TrainingAction Parse(string name)
    {
        int i = Array.IndexOf(s_names, name);
        return i >= 0 ? (TrainingAction)i : throw new ArgumentException($"Unknown action '{name}'; expected one of {string.Join(", ", s_names)}.", nameof(name));
    }
}
