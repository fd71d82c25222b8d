using System.Net;
using System.Text.Json;
using MLGradientInsight.Reports.Model;
using MLGradientInsight.Reports;
using MLGradientInsight.Transforms.Activity;
using MLGradientInsight.Transforms.Store;
using MLGradientInsight.Transforms.Tests.Store;
using Microsoft.AspNetCore.Builder;

namespace MLGradientInsight.Dashboard.Tests;

[TestClass]
public sealed class DashboardServerTest
{
    private static TempFolder s_folder = null!;
    private static WebApplication s_app = null!;
    private static HttpClient s_http = null!;
    private static RunStore s_store = null!;
    private static string s_completed = "";

    [ClassInitialize]
    public static async Task Start(TestContext context)
    {
        s_folder = new TempFolder();
        s_store = RunStore.Open(s_folder.File("runs.db"));
        using (RunWriter writer = s_store.StartRun("done"))
        {
            Append(writer, 1, 300);
            writer.Complete();
            s_completed = writer.RunId;
        }

        s_app = DashboardServer.Build(new DashboardOptions { StorePath = s_store.FilePath, Urls = ["http://127.0.0.1:0"] });
        await s_app.StartAsync(context.CancellationToken);
        s_http = new HttpClient { BaseAddress = new Uri(DashboardServer.Addresses(s_app).Single()) };
    }

    [ClassCleanup]
    public static async Task Stop()
    {
        s_http.Dispose();
        await s_app.DisposeAsync();
        s_folder.Dispose();
    }

    private static void Append(RunWriter writer, long from, long to)
    {
        for (long step = from; step <= to; step++)
        {
            writer.WriteStep(step, 1, 1.0 / step, 0.01, 1);
            writer.WriteActivity(new ActivityRecord { Step = step, Epoch = 1, Layer = ActivityRecord.NetworkLayer, Activity = step % 7 });
            writer.WriteActivity(new ActivityRecord { Step = step, Epoch = 1, Layer = "fc1", Activity = step % 5 });
        }
    }

    private static async Task<(HttpStatusCode Status, string Body)> Get(string path)
    {
        using HttpResponseMessage response = await s_http.GetAsync(new Uri(path, UriKind.Relative));
        return (response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    private static string Error(string body) => JsonDocument.Parse(body).RootElement.GetProperty("error").GetString()!;

    [TestMethod]
    public async Task The_run_list_and_a_run_report_hold_the_stored_data()
    {
        (HttpStatusCode status, string body) = await Get("/api/runs");
        Assert.AreEqual(HttpStatusCode.OK, status);
        RunInfo[] runs = JsonSerializer.Deserialize<RunInfo[]>(body, ReportJson.Options)!;
        Assert.IsTrue(runs.Any(r => r.Id == s_completed && r.Status == RunStatus.Completed && r.StepCount == 300));

        (status, body) = await Get($"/api/runs/{s_completed}/report");
        Assert.AreEqual(HttpStatusCode.OK, status);
        RunReport report = JsonSerializer.Deserialize<RunReport>(body, ReportJson.Options)!;
        CollectionAssert.AreEqual(Enumerable.Range(1, 300).Select(s => (double)(s % 7)).ToArray(), report.NetworkActivity.Values);
        Assert.AreEqual("fc1", report.LayerActivity.Single().Name);

        (status, body) = await Get($"/api/runs/{s_completed}/report?points=16");
        report = JsonSerializer.Deserialize<RunReport>(body, ReportJson.Options)!;
        Assert.IsTrue(report.NetworkActivity.Downsampled);
        Assert.IsLessThanOrEqualTo(16, report.NetworkActivity.Values.Length);
        Assert.AreEqual(6.0, report.NetworkActivity.Values.Max());
    }

    [TestMethod]
    public async Task A_run_being_written_shows_its_new_steps_on_the_next_request()
    {
        RunWriter writer = s_store.StartRun("live");
        try
        {
            Append(writer, 1, 40);
            await writer.FlushAsync();
            RunReport first = JsonSerializer.Deserialize<RunReport>((await Get($"/api/runs/{writer.RunId}/report")).Body, ReportJson.Options)!;
            Assert.AreEqual(40, first.LastStep);
            Assert.AreEqual(RunStatus.Running, first.Run.Status);

            Append(writer, 41, 90);
            await writer.FlushAsync();
            RunReport second = JsonSerializer.Deserialize<RunReport>((await Get($"/api/runs/{writer.RunId}/report")).Body, ReportJson.Options)!;
            Assert.AreEqual(90, second.LastStep);
            Assert.HasCount(90, second.NetworkActivity.Values);
        }
        finally
        {
            writer.Complete();
            writer.Dispose();
        }

        RunReport done = JsonSerializer.Deserialize<RunReport>((await Get($"/api/runs/{writer.RunId}/report")).Body, ReportJson.Options)!;
        Assert.AreEqual(RunStatus.Completed, done.Run.Status);
    }

    [TestMethod]
    public async Task An_incremental_report_holds_the_points_from_the_clients_last_step_and_appends_to_the_whole()
    {
        RunReport whole = JsonSerializer.Deserialize<RunReport>((await Get($"/api/runs/{s_completed}/report")).Body, ReportJson.Options)!;
        (HttpStatusCode status, string body) = await Get($"/api/runs/{s_completed}/report?after=250");
        Assert.AreEqual(HttpStatusCode.OK, status, body);
        RunReport tail = JsonSerializer.Deserialize<RunReport>(body, ReportJson.Options)!;

        Assert.AreEqual(250, tail.From);
        Assert.IsNull(whole.From);
        CollectionAssert.AreEqual(Enumerable.Range(250, 51).Select(s => (double)s).ToArray(), tail.NetworkActivity.X);
        CollectionAssert.AreEqual(Enumerable.Range(250, 51).Select(s => (double)(s % 7)).ToArray(), tail.NetworkActivity.Values);
        Assert.AreEqual(300, tail.NetworkActivity.SourcePoints, "counts describe the whole series, so captions stay right");
        Assert.AreEqual(whole.LastStep, tail.LastStep);

        // What the page does: keep its points before the step, append the tail; the result is the whole report's line.
        double[] joined = [.. whole.LayerActivity[0].Values.Take(249), .. tail.LayerActivity[0].Values];
        CollectionAssert.AreEqual(whole.LayerActivity[0].Values, joined);
        Assert.IsLessThan((await Get($"/api/runs/{s_completed}/report")).Body.Length, body.Length, "the incremental answer is smaller than the whole");
    }

    [TestMethod]
    public async Task Panels_are_computed_off_the_request_path_once_per_run_state_and_sent_only_to_clients_that_lack_them()
    {
        using var folder = new TempFolder();
        RunStore store = RunStore.Open(folder.File("runs.db"));
        var counting = new CountingContributor();
        var cache = new RunCache(store, [counting]);
        RunWriter writer = store.StartRun("growing");
        try
        {
            Append(writer, 1, 100);
            writer.Flush();
            counting.Gate.Reset();
            RunReport first = cache.Report(store.GetRun(writer.RunId), 4000);
            Assert.IsTrue(first.PanelsPending, "the request did not wait for the analyses");
            Assert.IsEmpty(first.Panels);
            counting.Gate.Set();
            await cache.PanelsComputation(writer.RunId);

            RunReport ready = cache.Report(store.GetRun(writer.RunId), 4000, first.LastStep);
            Assert.AreEqual(1, counting.Calls);
            Assert.IsFalse(ready.PanelsPending);
            Assert.IsFalse(ready.PanelsUnchanged, "installed after the client's last step: sent");
            Assert.AreEqual(100L, ((StepMarkersPanel)ready.Panels.Single()).Markers[0].Step);

            Append(writer, 101, 102);
            writer.Flush();
            RunReport small = cache.Report(store.GetRun(writer.RunId), 4000, ready.LastStep);
            await cache.PanelsComputation(writer.RunId);
            Assert.AreEqual(1, counting.Calls, $"2 % growth is below {RunCache.PanelGrowth:P0}: the analyses are not rerun on every poll");
            Assert.AreEqual(102, small.LastStep);
            Assert.IsFalse(small.PanelsUnchanged, "the first client step after the installation may lack them (it may have polled just before): sent once more");

            Append(writer, 103, 104);
            writer.Flush();
            RunReport again = cache.Report(store.GetRun(writer.RunId), 4000, small.LastStep);
            Assert.IsTrue(again.PanelsUnchanged, "this client has them");
            Assert.IsEmpty(again.Panels);

            Append(writer, 103, 200);
            writer.Flush();
            cache.Report(store.GetRun(writer.RunId), 4000, again.LastStep);
            await cache.PanelsComputation(writer.RunId);
            Assert.AreEqual(2, counting.Calls, "the run doubled");
        }
        finally
        {
            writer.Complete();
            writer.Dispose();
        }

        cache.Report(store.GetRun(writer.RunId), 4000);
        await cache.PanelsComputation(writer.RunId);
        RunReport done = cache.Report(store.GetRun(writer.RunId), 4000);
        Assert.AreEqual(3, counting.Calls, "the run ended: its panels are computed once more");
        Assert.AreEqual(200L, ((StepMarkersPanel)done.Panels[0]).Markers[0].Step);
    }

    private sealed class CountingContributor : IReportContributor
    {
        private int _calls;

        public int Calls => Volatile.Read(ref _calls);

        /// <summary>Gets the gate a computation waits at (open unless a test closes it).</summary>
        public ManualResetEventSlim Gate { get; } = new(true);

        public IEnumerable<ReportPanel> Contribute(RunStore store, RunInfo run)
        {
            Gate.Wait(TimeSpan.FromSeconds(30));
            Interlocked.Increment(ref _calls);
            long last = store.ReadSteps(run.Id).Count;
            return [new StepMarkersPanel { Title = "last", Markers = [new StepMarker(last, "seen")] }];
        }
    }

    [TestMethod]
    public async Task Comparison_returns_one_report_per_run_in_order()
    {
        string other;
        using (RunWriter writer = s_store.StartRun("other"))
        {
            Append(writer, 1, 10);
            writer.Complete();
            other = writer.RunId;
        }

        (HttpStatusCode status, string body) = await Get($"/api/compare?runs={other},{s_completed}");
        Assert.AreEqual(HttpStatusCode.OK, status, body);
        RunReport[] reports = JsonSerializer.Deserialize<RunReport[]>(body, ReportJson.Options)!;
        CollectionAssert.AreEqual(new[] { other, s_completed }, reports.Select(r => r.Run.Id).ToArray());
        Assert.AreEqual(HttpStatusCode.OK, (await Get($"/compare?runs={other},{s_completed}")).Status);
    }

    [TestMethod]
    [DataRow("/api/runs/rffffffff")]
    [DataRow("/api/runs/rffffffff/report")]
    [DataRow("/api/compare?runs=rffffffff")]
    [DataRow("/runs/rffffffff")]
    public async Task An_unknown_run_is_404_with_a_message_naming_it(string path)
    {
        (HttpStatusCode status, string body) = await Get(path);
        Assert.AreEqual(HttpStatusCode.NotFound, status);
        StringAssert.Contains(body, "No run with id");
        StringAssert.Contains(body, "rffffffff");
    }

    [TestMethod]
    [DataRow("points=abc", "'points' is 'abc'")]
    [DataRow("points=15", "from 16 to 1000000")]
    [DataRow("points=1000001", "from 16 to 1000000")]
    [DataRow("points=-20", "from 16 to 1000000")]
    [DataRow("points=1e3", "whole number")]
    [DataRow("points=", "whole number")]
    [DataRow("points=100&points=200", "given 2 times")]
    [DataRow("step=5", "Unknown query parameter 'step'")]
    [DataRow("after=-1", "'after' is '-1'")]
    [DataRow("after=x", "whole number from 0")]
    public async Task Bad_query_parameters_are_400_with_a_message(string query, string expected)
    {
        (HttpStatusCode status, string body) = await Get($"/api/runs/{s_completed}/report?{query}");
        Assert.AreEqual(HttpStatusCode.BadRequest, status);
        StringAssert.Contains(Error(body), expected);

        (status, _) = await Get($"/runs/{s_completed}?{query}");
        Assert.AreEqual(HttpStatusCode.BadRequest, status, "the page validates like the API");
    }

    [TestMethod]
    [DataRow("", "'runs' is missing")]
    [DataRow("runs=", "'runs' is missing")]
    [DataRow("runs=a,a", "distinct")]
    [DataRow("runs=a,b,c,d,e,f,g,h,i,j,k", "1 to 10")]
    [DataRow("runs=a&extra=1", "Unknown query parameter 'extra'")]
    public async Task Bad_comparisons_are_400_with_a_message(string query, string expected)
    {
        (HttpStatusCode status, string body) = await Get("/api/compare?" + query);
        Assert.AreEqual(HttpStatusCode.BadRequest, status);
        StringAssert.Contains(Error(body), expected);
    }

    [TestMethod]
    [DataRow("/assets/..%2F..%2F..%2Fetc%2Fpasswd")]
    [DataRow("/assets/%2Fetc%2Fpasswd")]
    [DataRow("/assets/report.js.bak")]
    [DataRow("/runs.db")]
    [DataRow("/etc/passwd")]
    [DataRow("/../runs.db")]
    public async Task No_request_path_reaches_the_file_system(string path)
    {
        (HttpStatusCode status, string body) = await Get(path);
        Assert.AreEqual(HttpStatusCode.NotFound, status);
        Assert.IsFalse(body.Contains("root:", StringComparison.Ordinal));
        Assert.IsFalse(body.Contains("SQLite format", StringComparison.Ordinal));
    }

    [TestMethod]
    public async Task The_assets_are_served_from_memory()
    {
        using HttpResponseMessage response = await s_http.GetAsync(new Uri("/assets/uPlot.iife.min.js", UriKind.Relative));
        Assert.AreEqual(HttpStatusCode.OK, response.StatusCode);
        Assert.AreEqual("text/javascript", response.Content.Headers.ContentType!.MediaType);
        StringAssert.StartsWith(await response.Content.ReadAsStringAsync(), "/*! https://github.com/leeoniya/uPlot (v1.6.32) */");
    }

    [TestMethod]
    public async Task The_dashboard_is_read_only()
    {
        foreach (HttpMethod method in new[] { HttpMethod.Post, HttpMethod.Put, HttpMethod.Delete })
        {
            using var request = new HttpRequestMessage(method, new Uri($"/api/runs/{s_completed}", UriKind.Relative));
            using HttpResponseMessage response = await s_http.SendAsync(request);
            Assert.AreEqual(HttpStatusCode.MethodNotAllowed, response.StatusCode, method.Method);
        }

        Assert.AreEqual(RunStatus.Completed, s_store.GetRun(s_completed).Status);
    }

    [TestMethod]
    public void Defaults_are_loopback_and_bad_options_are_rejected()
    {
        Assert.IsTrue(new DashboardOptions().LoopbackOnly);
        Assert.IsFalse(new DashboardOptions { Urls = ["http://0.0.0.0:5000"] }.LoopbackOnly);
        var e = Assert.ThrowsExactly<ArgumentException>(() => new DashboardOptions { StorePath = s_folder.File("missing.db") }.Validate());
        StringAssert.Contains(e.Message, "missing.db");
        e = Assert.ThrowsExactly<ArgumentException>(() => new DashboardOptions { StorePath = s_store.FilePath, Urls = ["https://127.0.0.1:1/x"] }.Validate());
        StringAssert.Contains(e.Message, "http://HOST:PORT");
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => new DashboardOptions { StorePath = s_store.FilePath, DefaultMaxPoints = 4 }.Validate());
    }
}
