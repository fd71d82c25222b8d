using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using MLGradientInsight.Reports;
using MLGradientInsight.Reports.Html;
using MLGradientInsight.Reports.Model;
using MLGradientInsight.Transforms.Store;

namespace MLGradientInsight.Dashboard;

/// <summary>
/// The live dashboard (<c>mlgi serve</c>): a run list with status, a run page with the report's charts that follow a
/// run while another process trains into the same store, and a comparison of selected runs.
/// </summary>
/// <remarks>
/// Read-only: only GET is mapped. Every query parameter is validated (unknown parameters and bad numbers → 400, unknown
/// runs → 404, with a message). No request path reaches the file system: pages are built in memory and the only files
/// served are the embedded chart assets, looked up by exact name. The store is read through short WAL snapshots, so the
/// training process writing it is never blocked.
/// <list type="table">
/// <item><term><c>GET /</c></term><description>run list</description></item>
/// <item><term><c>GET /runs/{id}[?points=N]</c></term><description>run page</description></item>
/// <item><term><c>GET /compare?runs=ID,ID[&amp;points=N]</c></term><description>comparison page (2–10 runs overlaid)</description></item>
/// <item><term><c>GET /api/runs</c></term><description>runs (JSON array of <see cref="RunInfo"/>)</description></item>
/// <item><term><c>GET /api/runs/{id}</c></term><description>one run</description></item>
/// <item><term><c>GET /api/runs/{id}/report[?points=N][&amp;after=STEP]</c></term><description>its <see cref="RunReport"/>; with
/// <c>after</c> (the client's last step) only the points from that step on, and the panels only when they changed (<see cref="RunReport.From"/>)</description></item>
/// <item><term><c>GET /api/compare?runs=ID,ID[&amp;points=N]</c></term><description>several <see cref="RunReport"/>s</description></item>
/// <item><term><c>GET /assets/{name}</c></term><description>uPlot, its licence, the renderer and the style sheet</description></item>
/// </list>
/// </remarks>
public static class DashboardServer
{
    /// <summary>The most runs one comparison shows.</summary>
    public const int MaxComparedRuns = 10;

    /// <summary>Builds the web application (not started; call <c>RunAsync</c> or <c>StartAsync</c>).</summary>
    /// <param name="options">The options.</param>
    /// <returns>The application.</returns>
    /// <exception cref="ArgumentException">An option is invalid (see <see cref="DashboardOptions.Validate"/>).</exception>
    /// <exception cref="RunStoreException">The store cannot be opened.</exception>
    public static WebApplication Build(DashboardOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        RunStore store = RunStore.Open(options.StorePath);

        // No appsettings from the working directory, no static files: the content root is the program's own folder.
        WebApplicationBuilder builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { ContentRootPath = AppContext.BaseDirectory, Args = [] });
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.WebHost.UseUrls([.. options.Urls]);
        builder.Services.AddSingleton(new RunCache(store, options.Contributors));
        WebApplication app = builder.Build();
        app.Use(async (context, next) =>
        {
            context.Response.Headers.XContentTypeOptions = "nosniff";
            context.Response.Headers.ContentSecurityPolicy = "default-src 'self'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; img-src 'self' data:";
            await next(context).ConfigureAwait(false);
        });
        Map(app, options);
        return app;
    }

    /// <summary>Gets the addresses a started application listens on (with the real port when port 0 was asked for).</summary>
    /// <param name="app">A started application.</param>
    /// <returns>The addresses.</returns>
    public static IReadOnlyList<string> Addresses(WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        return app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses.ToList() ?? [];
    }

    private static void Map(WebApplication app, DashboardOptions options)
    {
        RunCache cache = app.Services.GetRequiredService<RunCache>();
        RunStore store = cache.Store;

        app.MapGet("/", (HttpRequest request) =>
            Checked(request, [], _ => Html(DashboardPages.Index(store.FilePath))));

        app.MapGet("/runs/{id}", (string id, HttpRequest request) =>
            Checked(request, ["points"], q =>
            {
                if (!q.TryInt("points", options.DefaultMaxPoints, 16, ReportOptions.MaxPointsLimit, out int points, out string? error))
                {
                    return HtmlError(400, "Bad request", error!);
                }

                return store.TryGetRun(id, out RunInfo? run)
                    ? Html(DashboardPages.Report($"{run.Name} ({run.Id})", $"/api/runs/{Uri.EscapeDataString(run.Id)}/report?points={points}", [run.Id], points))
                    : HtmlError(404, "Run not found", UnknownRun(id, store));
            }));

        app.MapGet("/compare", (HttpRequest request) =>
            Checked(request, ["runs", "points"], q =>
            {
                if (!q.TryInt("points", options.DefaultMaxPoints, 16, ReportOptions.MaxPointsLimit, out int points, out string? error))
                {
                    return HtmlError(400, "Bad request", error!);
                }

                if (!TryRuns(q, store, out List<RunInfo>? runs, out int status, out error))
                {
                    return HtmlError(status, status == 404 ? "Run not found" : "Bad request", error!);
                }

                string ids = string.Join(',', runs!.Select(r => r.Id));
                return Html(DashboardPages.Report("Comparison: " + string.Join(", ", runs!.Select(r => r.Name)), $"/api/compare?runs={Uri.EscapeDataString(ids)}&points={points}", runs!.Select(r => r.Id).ToList(), points));
            }));

        app.MapGet("/api/runs", (HttpRequest request) =>
            Checked(request, [], _ => Json(store.ListRuns())));

        app.MapGet("/api/runs/{id}", (string id, HttpRequest request) =>
            Checked(request, [], _ => store.TryGetRun(id, out RunInfo? run) ? Json(run) : JsonError(404, UnknownRun(id, store))));

        app.MapGet("/api/runs/{id}/report", (string id, HttpRequest request) =>
            Checked(request, ["points", "after"], q =>
            {
                if (!q.TryInt("points", options.DefaultMaxPoints, 16, ReportOptions.MaxPointsLimit, out int points, out string? error)
                    || !q.TryLong("after", out long? after, out error))
                {
                    return JsonError(400, error!);
                }

                return store.TryGetRun(id, out RunInfo? run) ? Json(cache.Report(run, points, after)) : JsonError(404, UnknownRun(id, store));
            }));

        app.MapGet("/api/compare", (HttpRequest request) =>
            Checked(request, ["runs", "points"], q =>
            {
                if (!q.TryInt("points", options.DefaultMaxPoints, 16, ReportOptions.MaxPointsLimit, out int points, out string? error))
                {
                    return JsonError(400, error!);
                }

                return TryRuns(q, store, out List<RunInfo>? runs, out int status, out error)
                    ? Json(runs!.Select(r => cache.Report(r, points)).ToList())
                    : JsonError(status, error!);
            }));

        app.MapGet("/assets/{name}", (string name, HttpRequest request) =>
            Checked(request, [], _ => ReportAssets.Names.Contains(name)
                ? Results.Text(ReportAssets.Read(name), ReportAssets.ContentType(name))
                : JsonError(404, $"No asset '{name}'; the assets are {string.Join(", ", ReportAssets.Names)}.")));
    }

    /// <summary>Rejects unknown or repeated query parameters with 400 before running the endpoint.</summary>
    private static IResult Checked(HttpRequest request, string[] allowed, Func<QueryParameters, IResult> endpoint)
    {
        QueryParameters? query = QueryParameters.Check(request.Query, out string? error, allowed);
        if (query is null)
        {
            return request.Path.StartsWithSegments("/api", StringComparison.Ordinal) ? JsonError(400, error!) : HtmlError(400, "Bad request", error!);
        }

        try
        {
            return endpoint(query);
        }
        catch (RunStoreException e)
        {
            return JsonError(503, e.Message);
        }
    }

    /// <summary>Parses <c>runs=ID,ID,…</c>: 1 … <see cref="MaxComparedRuns"/> distinct existing runs.</summary>
    private static bool TryRuns(QueryParameters query, RunStore store, out List<RunInfo>? runs, out int status, out string? error)
    {
        runs = null;
        status = 400;
        string? text = query.String("runs");
        if (string.IsNullOrWhiteSpace(text))
        {
            error = "Query parameter 'runs' is missing; give run ids separated by commas, e.g. ?runs=r1a2b3c4d,r5e6f7a8b (see /api/runs).";
            return false;
        }

        string[] ids = text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        if (ids.Length is 0 or > MaxComparedRuns || ids.Distinct(StringComparer.Ordinal).Count() != ids.Length)
        {
            error = $"Query parameter 'runs' has {ids.Length} ids ({text}); give 1 to {MaxComparedRuns} distinct run ids separated by commas.";
            return false;
        }

        runs = [];
        foreach (string id in ids)
        {
            if (!store.TryGetRun(id, out RunInfo? run))
            {
                status = 404;
                error = UnknownRun(id, store);
                runs = null;
                return false;
            }

            runs.Add(run);
        }

        status = 200;
        error = null;
        return true;
    }

    private static string UnknownRun(string id, RunStore store) =>
        $"No run with id '{id}' in {store.FilePath}. The run list is at / (JSON: /api/runs); run ids look like r1a2b3c4d.";

    private static IResult Html(string html) => Results.Content(html, "text/html; charset=utf-8");

    private static IResult HtmlError(int status, string title, string message) =>
        Results.Content(DashboardPages.Error(title, message), "text/html; charset=utf-8", statusCode: status);

    private static IResult Json<T>(T value) => Results.Text(JsonSerializer.Serialize(value, ReportJson.Options), "application/json; charset=utf-8");

    private static IResult JsonError(int status, string message) =>
        Results.Text(JsonSerializer.Serialize(new { error = message }, ReportJson.Options), "application/json; charset=utf-8", statusCode: status);
}
