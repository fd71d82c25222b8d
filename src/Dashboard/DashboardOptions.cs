using MLGradientInsight.Reports;
using MLGradientInsight.Reports.Model;

namespace MLGradientInsight.Dashboard;

/// <summary>Options of the dashboard server. Validated once, by <see cref="Validate"/>.</summary>
public sealed class DashboardOptions
{
    /// <summary>The default address: loopback only, port 5000.</summary>
    public const string DefaultUrl = "http://127.0.0.1:5000";

    /// <summary>Gets the run store file to serve (must exist).</summary>
    public string StorePath { get; init; } = "runs.db";

    /// <summary>Gets the addresses to listen on (<c>http://HOST:PORT</c>; port 0 picks a free port). Default <see cref="DefaultUrl"/>.</summary>
    public IReadOnlyList<string> Urls { get; init; } = [DefaultUrl];

    /// <summary>Gets the analyses that add panels to run pages (see <see cref="IReportContributor"/>).</summary>
    public IReadOnlyList<IReportContributor> Contributors { get; init; } = [];

    /// <summary>Gets the points per chart line when a page does not ask for a number (16 … 1,000,000). Default 4,000.</summary>
    public int DefaultMaxPoints { get; init; } = ReportOptions.Default.MaxPoints;

    /// <summary>Checks the options.</summary>
    /// <exception cref="ArgumentException">The store path is empty, the store does not exist, or a URL is not an absolute http URL.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><see cref="DefaultMaxPoints"/> is out of range.</exception>
    public void Validate()
    {
        ArgumentException.ThrowIfNullOrEmpty(StorePath);
        if (!File.Exists(StorePath))
        {
            throw new ArgumentException($"Run store '{StorePath}' does not exist. Record a run with 'mlgi train --track --store {StorePath}' or pass the path of an existing store.", nameof(StorePath));
        }

        if (Urls.Count == 0)
        {
            throw new ArgumentException("Give at least one URL to listen on, e.g. " + DefaultUrl + ".", nameof(Urls));
        }

        foreach (string url in Urls)
        {
            if (!Uri.TryCreate(url, UriKind.Absolute, out Uri? uri) || uri.Scheme != Uri.UriSchemeHttp || uri.AbsolutePath != "/" || uri.Query.Length > 0)
            {
                throw new ArgumentException($"'{url}' is not a listen address; use http://HOST:PORT, e.g. {DefaultUrl} (https is not served; put a reverse proxy in front for that).", nameof(Urls));
            }
        }

        if (DefaultMaxPoints is < 16 or > ReportOptions.MaxPointsLimit)
        {
            throw new ArgumentOutOfRangeException(nameof(DefaultMaxPoints), DefaultMaxPoints, $"DefaultMaxPoints must be between 16 and {ReportOptions.MaxPointsLimit:N0}.");
        }
    }

    /// <summary>Gets a value indicating whether every address is a loopback address (localhost, 127.0.0.0/8, ::1).</summary>
    public bool LoopbackOnly => Urls.All(u => Uri.TryCreate(u, UriKind.Absolute, out Uri? uri) && (uri.IsLoopback || uri.Host == "localhost"));
}
