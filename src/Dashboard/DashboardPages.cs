using System.Net;
using System.Text.Json;

namespace MLGradientInsight.Dashboard;

/// <summary>The dashboard's HTML pages. Charts are drawn by the report renderer (<c>report.js</c> with uPlot) from the JSON endpoints.</summary>
internal static class DashboardPages
{
    /// <summary>The run list: status of every run, updated every two seconds; pick runs to compare.</summary>
    public static string Index(string storePath) => Page(
        "MLGradientInsight runs",
        $"""
        <h1>Runs</h1>
        <div class="mlgi-toolbar">store {Encode(storePath)} · read-only · updates every 2 s</div>
        <table class="runs" id="runs"><thead><tr><th></th><th>run</th><th>name</th><th>status</th><th>started (UTC)</th><th>steps</th></tr></thead><tbody></tbody></table>
        <p><button id="compare" disabled>Compare selected runs</button></p>
        """,
        """
        const selected = new Set();
        const button = document.getElementById('compare');
        button.addEventListener('click', () => { location.href = '/compare?runs=' + encodeURIComponent([...selected].join(',')); });
        async function load() {
          const runs = await (await fetch('/api/runs')).json();
          const body = document.querySelector('#runs tbody');
          body.replaceChildren(...runs.map(r => {
            const tr = document.createElement('tr');
            tr.dataset.run = r.id;
            const box = document.createElement('input');
            box.type = 'checkbox'; box.checked = selected.has(r.id);
            box.addEventListener('change', () => { box.checked ? selected.add(r.id) : selected.delete(r.id); button.disabled = selected.size < 1; });
            const link = document.createElement('a');
            link.href = '/runs/' + encodeURIComponent(r.id); link.textContent = r.id;
            const cells = [box, link, r.name, r.status, r.startedUtc.replace('T', ' ').slice(0, 19), r.stepCount.toLocaleString('en-US')];
            cells.forEach((c, i) => { const td = document.createElement('td'); td.append(c); if (i === 3) td.className = 'status-' + r.status; tr.append(td); });
            return tr;
          }));
          document.body.dataset.loaded = String(runs.length);
        }
        load(); setInterval(load, 2000);
        """);

    /// <summary>A page with the report of one or more runs that follows the runs while they are written.</summary>
    /// <param name="title">The heading.</param>
    /// <param name="reportUrl">The JSON endpoint of the report(s).</param>
    /// <param name="runIds">The runs shown (their status and step count decide when to reload).</param>
    /// <param name="points">The points per line the report URL asks for (past twice that, appended points trigger a whole reload).</param>
    /// <remarks>A single run is followed incrementally: while its status stays the same, each poll asks only for the steps
    /// from its last one on (<c>&amp;after=STEP</c>) and appends them; a status change, a comparison, or lines grown past twice
    /// the budget reload the whole (re-downsampled) report.</remarks>
    public static string Report(string title, string reportUrl, IReadOnlyList<string> runIds, int points) => Page(
        title,
        $"""
        <p><a href="/">← all runs</a></p>
        <h1>{Encode(title)}</h1>
        <div class="mlgi-toolbar"><span id="live"></span> · drag on a step chart to zoom all step charts, double-click to reset ·
        <label><input type="checkbox" id="mlgi-log"> logarithmic activity axis</label></div>
        <div id="mlgi-report"></div>
        """,
        $$"""
        const reportUrl = {{JsonSerializer.Serialize(reportUrl)}};
        const ids = {{JsonSerializer.Serialize(runIds)}};
        const budget = {{points}};
        const report = new MlgiReport(document.getElementById('mlgi-report'));
        window.mlgiReport = report;
        document.getElementById('mlgi-log').addEventListener('change', e => report.setLogActivity(e.target.checked));
        let last = null, lastStep = null, lastStatus = null, pending = false;
        const counts = { whole: 0, incremental: 0 };
        async function refresh() {
          let running = false;
          try {
            const runs = (await (await fetch('/api/runs')).json()).filter(r => ids.includes(r.id));
            running = runs.some(r => r.status === 'running');
            const key = JSON.stringify(runs.map(r => [r.id, r.status, r.stepCount]));
            if (key !== last || pending) {
              const incremental = ids.length === 1 && lastStep !== null && runs[0].status === lastStatus && report.longestSeries() <= 2 * budget;
              let data = incremental ? await (await fetch(reportUrl + '&after=' + lastStep)).json() : null;
              if (data && report.merge(data)) counts.incremental++;
              else {
                data = await (await fetch(reportUrl)).json();
                report.render(Array.isArray(data) ? data : [data]);
                counts.whole++;
              }
              if (ids.length === 1) { lastStep = data.lastStep; lastStatus = data.run.status; }
              pending = (Array.isArray(data) ? data : [data]).some(r => r.panelsPending);
              document.body.dataset.panelsPending = String(pending);
              document.body.dataset.wholeLoads = String(counts.whole);
              document.body.dataset.incrementalLoads = String(counts.incremental);
              last = key;
            }
            document.getElementById('live').textContent = runs.map(r => `${r.name}: ${r.status}, ${r.stepCount.toLocaleString('en-US')} steps`).join(' · ') + (running ? ' (live, updates every second)' : '');
          } catch (e) {
            document.getElementById('live').textContent = 'cannot reach the dashboard: ' + e;
          }
          setTimeout(refresh, running || pending ? 1000 : 5000);
        }
        refresh();
        """);

    /// <summary>An error page (404, 400) in words.</summary>
    public static string Error(string title, string message) => Page(title, $"<p><a href=\"/\">← all runs</a></p><h1>{Encode(title)}</h1><p>{Encode(message)}</p>", "");

    private static string Page(string title, string body, string script) => $"""
        <!DOCTYPE html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <title>{Encode(title)}</title>
        <link rel="stylesheet" href="/assets/uPlot.min.css">
        <link rel="stylesheet" href="/assets/report.css">
        <script src="/assets/uPlot.iife.min.js"></script>
        <script src="/assets/report.js"></script>
        </head>
        <body>
        {body}
        <script>
        {script.Replace("</", "<\\/", StringComparison.Ordinal)}
        </script>
        </body>
        </html>

        """;

    private static string Encode(string text) => WebUtility.HtmlEncode(text);
}
