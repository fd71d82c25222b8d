using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;
using System.Numerics;

namespace MLGradientInsight.Cli;

/// <summary>
/// The one way <c>mlgi</c> reads a numeric option: invariant culture, a dot as the decimal point, no group
/// separators, finite values only, checked against a <see cref="NumberRange"/>. Every error names the option, the
/// value as typed and the valid range in words, and is a parse error (exit code 1).
/// </summary>
internal static class NumberOption
{
    /// <summary>Creates a numeric option.</summary>
    /// <typeparam name="T"><see cref="int"/>, <see cref="long"/>, <see cref="float"/> or <see cref="double"/>.</typeparam>
    /// <param name="name">The option name (<c>--lr</c>).</param>
    /// <param name="description">The help text.</param>
    /// <param name="range">The valid values.</param>
    /// <param name="defaultValue">The default, or null for an option that is absent unless given.</param>
    /// <returns>The option; its value is null when it was not given and has no default.</returns>
    public static Option<T?> Create<T>(string name, string description, NumberRange range, T? defaultValue = null)
        where T : struct, INumber<T>
    {
        bool whole = typeof(T) == typeof(int) || typeof(T) == typeof(long);
        string words = range.Describe(whole);
        var option = new Option<T?>(name)
        {
            Description = $"{description} ({words}{(defaultValue is T d ? FormattableString.Invariant($"; default {d}") : "")}).",
            HelpName = whole ? "N" : "X",
            CustomParser = result => Parse<T>(result, name, range, whole, words, defaultValue),
        };
        if (defaultValue is T value)
        {
            option.DefaultValueFactory = _ => value;
        }

        return option;
    }

    /// <summary>Reads one token; the error (if any) goes to <paramref name="result"/>.</summary>
    private static T? Parse<T>(ArgumentResult result, string name, NumberRange range, bool whole, string words, T? example)
        where T : struct, INumber<T>
    {
        if (result.Tokens.Count == 0)
        {
            return example;
        }

        string text = result.Tokens[0].Value;
        string? error = Check(text, name, range, whole, words, out T value);
        if (error is not null)
        {
            result.AddError(error);
            return default;
        }

        return value;
    }

    /// <summary>Parses and checks <paramref name="text"/>; returns the error message or null.</summary>
    /// <typeparam name="T">The number type.</typeparam>
    /// <param name="text">The value as typed.</param>
    /// <param name="name">The option name.</param>
    /// <param name="range">The valid values.</param>
    /// <param name="whole">Whether only whole numbers are valid.</param>
    /// <param name="words">The range in words.</param>
    /// <param name="value">The value when valid.</param>
    /// <returns>Null when valid, else the message.</returns>
    internal static string? Check<T>(string text, string name, NumberRange range, bool whole, string words, out T value)
        where T : struct, INumber<T>
    {
        value = default;
        string takes = $"{name} takes {words}";
        NumberStyles styles = whole ? NumberStyles.AllowLeadingSign : NumberStyles.Float;
        string trimmed = text.Trim();
        if (trimmed.Contains(','))
        {
            string dotted = trimmed.Replace(',', '.');
            string suggestion = !whole && double.TryParse(dotted, NumberStyles.Float, CultureInfo.InvariantCulture, out _) && trimmed.Count(c => c == ',') == 1
                ? $"{name} {dotted}"
                : $"{name} {trimmed.Replace(",", "", StringComparison.Ordinal)}";
            return $"{name} '{text}': numbers use a dot as the decimal point and no thousands separators; did you mean {suggestion}? ({takes}.)";
        }

        if (!double.TryParse(trimmed, NumberStyles.Float, CultureInfo.InvariantCulture, out double number))
        {
            return $"{name} '{text}' is not a number; {takes}.";
        }

        if (!double.IsFinite(number))
        {
            return $"{name} '{text}' is not a finite number; {takes}.";
        }

        if (whole && !T.TryParse(trimmed, styles, CultureInfo.InvariantCulture, out value))
        {
            return number == Math.Floor(number)
                ? $"{name} {text} is too large; {takes}."
                : $"{name} {text} is not a whole number; {takes}.";
        }

        if (!whole)
        {
            value = T.CreateSaturating(number);
            if (!double.IsFinite(double.CreateSaturating(value)))
            {
                return $"{name} {text} is too large; {takes}.";
            }
        }

        if (!range.Contains(double.CreateSaturating(value)))
        {
            return $"{name} {text} is out of range; {takes}.";
        }

        return null;
    }
}
