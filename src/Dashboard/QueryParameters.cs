using System.Globalization;
using Microsoft.AspNetCore.Http;

namespace MLGradientInsight.Dashboard;

/// <summary>Validates a request's query string: only the named parameters, each at most once, numbers in range.</summary>
internal sealed class QueryParameters
{
    private readonly IQueryCollection _query;

    private QueryParameters(IQueryCollection query) => _query = query;

    /// <summary>Checks that the query has only <paramref name="allowed"/> parameters, each given once.</summary>
    /// <param name="query">The query.</param>
    /// <param name="allowed">The accepted names.</param>
    /// <param name="error">The 400 message when the check fails.</param>
    /// <returns>The validated parameters, or null with <paramref name="error"/> set.</returns>
    public static QueryParameters? Check(IQueryCollection query, out string? error, params string[] allowed)
    {
        foreach (KeyValuePair<string, Microsoft.Extensions.Primitives.StringValues> p in query)
        {
            if (!allowed.Contains(p.Key, StringComparer.Ordinal))
            {
                error = allowed.Length == 0
                    ? $"Unknown query parameter '{p.Key}'; this address takes no query parameters."
                    : $"Unknown query parameter '{p.Key}'; this address accepts: {string.Join(", ", allowed)}.";
                return null;
            }

            if (p.Value.Count != 1)
            {
                error = $"Query parameter '{p.Key}' is given {p.Value.Count} times; give it once.";
                return null;
            }
        }

        error = null;
        return new QueryParameters(query);
    }

    /// <summary>Reads an optional integer parameter in a range.</summary>
    /// <param name="name">The parameter.</param>
    /// <param name="defaultValue">Its value when absent.</param>
    /// <param name="min">Smallest allowed value.</param>
    /// <param name="max">Largest allowed value.</param>
    /// <param name="value">The value.</param>
    /// <param name="error">The 400 message when it is not an integer in range.</param>
    /// <returns>Whether the value is valid.</returns>
    public bool TryInt(string name, int defaultValue, int min, int max, out int value, out string? error)
    {
        error = null;
        value = defaultValue;
        if (!_query.TryGetValue(name, out Microsoft.Extensions.Primitives.StringValues text))
        {
            return true;
        }

        if (!int.TryParse(text.ToString(), NumberStyles.None, CultureInfo.InvariantCulture, out value) || value < min || value > max)
        {
            error = $"Query parameter '{name}' is '{text}'; it must be a whole number from {min.ToString(CultureInfo.InvariantCulture)} to {max.ToString(CultureInfo.InvariantCulture)}.";
            return false;
        }

        return true;
    }

    /// <summary>Reads an optional non-negative whole number (a step).</summary>
    /// <param name="name">The parameter.</param>
    /// <param name="value">The value, or null when absent.</param>
    /// <param name="error">The 400 message when it is not a whole number ≥ 0.</param>
    /// <returns>Whether the value is valid.</returns>
    public bool TryLong(string name, out long? value, out string? error)
    {
        error = null;
        value = null;
        if (!_query.TryGetValue(name, out Microsoft.Extensions.Primitives.StringValues text))
        {
            return true;
        }

        if (!long.TryParse(text.ToString(), NumberStyles.None, CultureInfo.InvariantCulture, out long parsed))
        {
            error = $"Query parameter '{name}' is '{text}'; it must be a whole number from 0 (a step; the client's last step for an incremental report).";
            return false;
        }

        value = parsed;
        return true;
    }

    /// <summary>Reads an optional string parameter.</summary>
    /// <param name="name">The parameter.</param>
    /// <returns>The value, or null when absent.</returns>
    public string? String(string name) => _query.TryGetValue(name, out Microsoft.Extensions.Primitives.StringValues v) ? v.ToString() : null;
}
