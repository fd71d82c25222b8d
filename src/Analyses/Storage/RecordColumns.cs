using System.Globalization;
using System.Reflection;
using System.Text;

namespace MLGradientInsight.Analyses.Storage;

/// <summary>
/// The columns of a result record, derived once from its properties (<c>RelativeDistance</c> → <c>relative_distance</c>), so the
/// CSV header, the SQL insert and the record itself cannot drift apart.
/// </summary>
internal static class RecordColumns<T>
{
    private static readonly PropertyInfo[] s_properties = typeof(T).GetProperties(BindingFlags.Public | BindingFlags.Instance)
        .Where(p => p.CanRead && p.GetIndexParameters().Length == 0 && p.Name != "EqualityContract")
        .OrderBy(p => p.MetadataToken)
        .ToArray();

    public static IReadOnlyList<string> Names { get; } = [.. s_properties.Select(p => SnakeCase(p.Name))];

    public static object? Value(T row, int column) => s_properties[column].GetValue(row);

    public static string Format(object? value) => value switch
    {
        null => "",
        double d => d.ToString("R", CultureInfo.InvariantCulture),
        float f => f.ToString("R", CultureInfo.InvariantCulture),
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "",
    };

    private static string SnakeCase(string name)
    {
        var b = new StringBuilder(name.Length + 4);
        for (int i = 0; i < name.Length; i++)
        {
            if (char.IsUpper(name[i]) && i > 0)
            {
                b.Append('_');
            }

            b.Append(char.ToLowerInvariant(name[i]));
        }

        return b.ToString();
    }
}
