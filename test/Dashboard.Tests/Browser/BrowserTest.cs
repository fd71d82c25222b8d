using System.Text.RegularExpressions;
using Microsoft.Playwright;
using MLGradientInsight.Reports.Contributors;
using MLGradientInsight.Reports.Model;
using MLGradientInsight.Transforms.Activity;
using MLGradientInsight.Transforms.Store;
using MLGradientInsight.Transforms.Tests.Store;

namespace MLGradientInsight.Dashboard.Tests.Browser;

/// <summary>
/// End to end in Debian's headless Chromium: the real <c>mlgi serve</c> over a store filled by a real <c>mlgi train</c>,
/// a second training process appending while the page is open, and <c>report.html</c> opened from disk with the network
/// blocked. Screenshots are attached to the test results.
/// </summary>
[TestClass]
[DoNotParallelize]
public sealed partial class BrowserTest
{
    private const string Chromium = "/usr/bin/chromium";
    private const string FashionMnist = "/usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz";
    private static TempFolder? s_folder;
    private static MlgiProcess? s_server;
    private static IPlaywright? s_playwright;
    private static IBrowser? s_browser;
    private static string s_baseUrl = "";
    private static string s_store = "";

    public TestContext TestContext { get; set; } = null!;

    [ClassInitialize]
    public static async Task Start(TestContext context)
    {
        if (!File.Exists(Chromium))
        {
            return;
        }

        s_folder = new TempFolder();
        s_store = s_folder.File("runs.db");
        MlgiProcess.Run(s_folder.Path, "train", "--dataset", "curve", "--limit", "400", "--epochs", "2", "--batch", "8", "--lr", "0.05", "--track", "--store", s_store, "--name", "short", "--threads", "1");
        if (File.Exists(FashionMnist))
        {
            // A run with every analysis the report draws: checkpoints → trajectory, linear path, robustness; the saved model → importance map.
            string checkpoints = s_folder.File("checkpoints"), model = s_folder.File("model.safetensors");
            MlgiProcess.Run(s_folder.Path, "train", "--dataset", "fashion-mnist", "--model", "mlp:784,32,16,10", "--limit", "600", "--epochs", "3", "--batch", "16", "--lr", "0.05", "--track", "--store", s_store, "--name", "analysed", "--checkpoint-every", "10", "--checkpoint-dir", checkpoints, "--save", model, "--threads", "1");
            string[] kept = [.. Directory.GetFiles(checkpoints, "step-*.safetensors").Order()];
            MlgiProcess.Run(s_folder.Path, "trajectory", "analysed", "--store", s_store, "--pca");
            MlgiProcess.Run(s_folder.Path, "interpolate", kept[0], kept[^1], "--per-layer", "--alpha", "0:1:5", "--samples", "100", "--threads", "1", "--store", s_store);
            MlgiProcess.Run(s_folder.Path, "robustness", kept[0], kept[^1], "--samples", "100", "--threads", "1", "--store", s_store);
            MlgiProcess.Run(s_folder.Path, "importance", model, "--dataset", "fashion-mnist", "--limit", "200", "--store", s_store);
        }

        s_server = MlgiProcess.Start(s_folder.Path, "serve", "--store", s_store, "--urls", "http://127.0.0.1:0");
        string line = s_server.WaitForLine(l => l.StartsWith("serving", StringComparison.Ordinal), TimeSpan.FromSeconds(60));
        s_baseUrl = LoopbackUrl().Match(line).Value;
        Assert.IsNotEmpty(s_baseUrl, line);

        s_playwright = await Playwright.CreateAsync();
        s_browser = await s_playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions { ExecutablePath = Chromium, Headless = true, Args = ["--no-sandbox"] });
    }

    [ClassCleanup]
    public static async Task Stop()
    {
        if (s_browser is not null)
        {
            await s_browser.DisposeAsync();
        }

        s_playwright?.Dispose();
        s_server?.Dispose();
        s_folder?.Dispose();
    }

    [TestMethod]
    public async Task The_run_page_draws_every_point_of_the_stored_run()
    {
        IPage page = await NewPage();
        var store = RunStore.Open(s_store);
        RunInfo run = store.FindRun("short");
        int activitySteps = store.ReadActivity(run.Id).Count(r => r.Layer == ActivityRecord.NetworkLayer);
        int steps = store.ReadSteps(run.Id).Count;
        int layers = store.ReadActivity(run.Id).Select(r => r.Layer).Distinct().Count() - 1;

        await page.GotoAsync($"{s_baseUrl}/runs/{run.Id}");
        await page.WaitForFunctionAsync("n => document.querySelector('[data-chart=network]')?.dataset.points === n", activitySteps.ToString(System.Globalization.CultureInfo.InvariantCulture));

        // What uPlot holds, not only what our captions say.
        Assert.AreEqual(activitySteps, await page.EvaluateAsync<int>("() => mlgiReport.charts.get('network').u.data[1].filter(v => v != null).length"));
        Assert.AreEqual(steps, await page.EvaluateAsync<int>("() => mlgiReport.charts.get('loss').u.data[0].length"));
        Assert.AreEqual((double)run.StepCount, await page.EvaluateAsync<double>("() => { const x = mlgiReport.charts.get('loss').u.data[0]; return x[x.length - 1]; }"));
        Assert.IsLessThanOrEqualTo(1.0, await page.EvaluateAsync<double>("() => mlgiReport.charts.get('loss').u.scales.x.min"), "the shared step axis shows step 1 (activity starts after warm-up, loss does not)");
        Assert.AreEqual(layers, await page.Locator("[data-chart^=layer-]").CountAsync());
        Assert.IsGreaterThan(layers + 4, await page.Locator(".mlgi-chart canvas").CountAsync());
        await Screenshot(page, "dashboard-run.png");
    }

    [TestMethod]
    public async Task Steps_appended_by_a_training_process_show_up_live()
    {
        IPage page = await NewPage();
        // Long enough (about 10 s on an idle 2-core machine) that the page is seen following a run in progress.
        using MlgiProcess training = MlgiProcess.Start(s_folder!.Path, "train", "--dataset", "curve", "--limit", "1000", "--epochs", "150", "--batch", "1", "--lr", "0.02", "--track", "--store", s_store, "--name", "live", "--threads", "1");
        var store = RunStore.Open(s_store);
        RunInfo? run = null;
        for (int i = 0; i < 600 && run is null; i++)
        {
            run = store.ListRuns().FirstOrDefault(r => r.Name == "live" && r.StepCount > 20);
            await Task.Delay(100);
        }

        Assert.IsNotNull(run, "the training process did not start writing:\n" + training.Output);
        await page.GotoAsync($"{s_baseUrl}/runs/{run.Id}");
        await page.WaitForFunctionAsync("() => Number(document.querySelector('[data-chart=loss]')?.dataset.lastStep) > 0");
        double first = await LastStep(page);
        string status = await page.Locator("#live").InnerTextAsync();

        await page.WaitForFunctionAsync("s => Number(document.querySelector('[data-chart=loss]').dataset.lastStep) > s", first, new PageWaitForFunctionOptions { Timeout = 60_000 });
        double second = await LastStep(page);
        bool stillTraining = !training.HasExited;
        bool increasing = await page.EvaluateAsync<bool>("() => { const x = mlgiReport.charts.get('loss').u.data[0]; return x.every((v, i) => i === 0 || v > x[i - 1]); }");
        await Screenshot(page, "dashboard-live.png");

        training.WaitForExit(TimeSpan.FromMinutes(2));
        int finalSteps = store.ReadSteps(run.Id).Count;
        await page.WaitForFunctionAsync("n => Number(document.querySelector('[data-chart=loss]').dataset.lastStep) === n && document.getElementById('live').textContent.includes('completed')", finalSteps, new PageWaitForFunctionOptions { Timeout = 30_000 });

        StringAssert.Contains(status, "running", "the first view was of a run in progress");
        Assert.IsTrue(stillTraining, $"the page moved from step {first} to {second} while the run was still training");
        Assert.IsGreaterThan(first, second);
        Assert.AreEqual(RunStatus.Completed, store.GetRun(run.Id).Status);
        Assert.IsGreaterThanOrEqualTo(second, finalSteps);
        Assert.IsTrue(increasing, "appending incremental reports left no repeated or out-of-order step");
        Assert.IsGreaterThanOrEqualTo(1, int.Parse(await page.EvaluateAsync<string>("() => document.body.dataset.incrementalLoads"), System.Globalization.CultureInfo.InvariantCulture), "the page followed the run with incremental reports (?after=STEP)");
    }

    [TestMethod]
    public async Task The_report_file_renders_from_disk_with_the_network_blocked()
    {
        RequireBrowser();
        string html = s_folder!.File("report.html");
        MlgiProcess.Run(s_folder.Path, "report", "short", "--store", s_store, "--out", html);
        var store = RunStore.Open(s_store);
        RunInfo run = store.FindRun("short");
        int activitySteps = store.ReadActivity(run.Id).Count(r => r.Layer == ActivityRecord.NetworkLayer);

        (IPage page, List<string> blocked, List<string> errors, IBrowserContext context) = await OpenOffline(html);
        await using (context)
        {
            await page.WaitForFunctionAsync("n => document.querySelector('[data-chart=network]')?.dataset.points === n", activitySteps.ToString(System.Globalization.CultureInfo.InvariantCulture));

            Assert.AreEqual(activitySteps, await page.EvaluateAsync<int>("() => mlgiReport.charts.get('network').u.data[1].filter(v => v != null).length"));
            Assert.IsEmpty(blocked, "the report asked for: " + string.Join(", ", blocked));
            Assert.IsEmpty(errors, string.Join("\n", errors));
            Assert.AreEqual("short", await page.Locator(".mlgi-run h3").First.InnerTextAsync());

            // A regression run has no accuracy: the summary says so with a dash, never "0".
            Assert.AreEqual("—", await page.Locator(".mlgi-summary tr", new PageLocatorOptions { HasText = "final train accuracy" }).Locator("td").InnerTextAsync());
            Assert.AreEqual(0, await page.Locator("[data-chart=accuracy]").CountAsync(), "no accuracy chart for a regression run");
            await Screenshot(page, "report-regression.png");
        }
    }

    [TestMethod]
    public async Task The_report_of_an_analysed_run_shows_every_analysis_panel_offline()
    {
        RequireAnalysedRun();
        string html = s_folder!.File("analysed.html");
        MlgiProcess.Run(s_folder.Path, "report", "analysed", "--store", s_store, "--out", html);
        var store = RunStore.Open(s_store);
        RunInfo run = store.FindRun("analysed");
        List<ReportPanel> diagnosis = [.. new DiagnosisContributor().Contribute(store, run)];
        StepWindowsPanel windows = diagnosis.OfType<StepWindowsPanel>().Single();

        (IPage page, List<string> blocked, List<string> errors, IBrowserContext context) = await OpenOffline(html);
        await using (context)
        {
            await page.WaitForFunctionAsync("() => document.querySelector('img.mlgi-image')?.complete && document.querySelector('[data-chart=network]')");

            // The classifier's windows on the activity chart, with a legend chip per shape.
            Assert.AreEqual(windows.Windows.Count, int.Parse(await page.Locator("[data-chart=network]").GetAttributeAsync("data-windows") ?? "0", System.Globalization.CultureInfo.InvariantCulture));
            foreach (string shape in windows.Windows.Select(w => w.Label).Distinct())
            {
                Assert.AreEqual(1, await page.Locator($"[data-chart=network] .mlgi-windows .chip[data-label={shape}]").CountAsync(), shape);
            }

            // The diagnosis with its evidence in the run summary.
            TextPanel text = diagnosis.OfType<TextPanel>().Single();
            Assert.AreEqual(text.Text, await page.Locator(".mlgi-run .mlgi-text .diagnosis").InnerTextAsync());
            Assert.AreEqual(text.Evidence.Count, await page.Locator(".mlgi-run .mlgi-text li").CountAsync());

            // Trajectory (random, PCA, random-walk PCA), linear path (loss, accuracy, distance), robustness, importance.
            Assert.AreEqual(3, await page.Locator("[data-chart^=panel-] h3", new PageLocatorOptions { HasText = "Training path" }).CountAsync());
            Assert.AreEqual(5, await page.EvaluateAsync<int>("() => [...mlgiReport.charts.values()].find(c => c.spec.title.startsWith('Loss along the linear path')).u.data[0].length"), "α = 0, 0.25, 0.5, 0.75, 1");
            Assert.AreEqual(3, await page.EvaluateAsync<int>("() => [...mlgiReport.charts.values()].find(c => c.spec.title.startsWith('Loss along the linear path')).u.series.length - 1"), "one curve per layer");
            Assert.AreEqual(1, await page.Locator("[data-chart^=panel-] h3", new PageLocatorOptions { HasText = "Distance travelled per layer" }).CountAsync());
            Assert.AreEqual(1, await page.Locator("[data-chart^=panel-] h3", new PageLocatorOptions { HasText = "Damage when one layer is reset" }).CountAsync());
            Assert.AreEqual(28 * 8, await page.EvaluateAsync<int>("() => document.querySelector('img.mlgi-image').naturalWidth"), "the 28 × 28 map, 8 pixels per cell");
            Assert.IsEmpty(blocked, "the report asked for: " + string.Join(", ", blocked));
            Assert.IsEmpty(errors, string.Join("\n", errors));
            await Screenshot(page, "report.png");
            await Screenshot(page, "report-full.png", fullPage: true);
            await Screenshot(page, "report-analyses.png", element: page.Locator("section[data-section=analyses]"));
        }
    }

    [TestMethod]
    public async Task The_dashboard_run_page_shows_the_analysis_panels_too()
    {
        RequireAnalysedRun();
        IPage page = await NewPage();
        RunInfo run = RunStore.Open(s_store).FindRun("analysed");

        await page.GotoAsync($"{s_baseUrl}/runs/{run.Id}");
        await page.WaitForFunctionAsync("() => document.querySelector('img.mlgi-image')?.complete && document.querySelector('.mlgi-run .mlgi-text')");

        Assert.IsGreaterThan(0, int.Parse(await page.Locator("[data-chart=network]").GetAttributeAsync("data-windows") ?? "0", System.Globalization.CultureInfo.InvariantCulture));
        Assert.AreEqual(28 * 8, await page.EvaluateAsync<int>("() => document.querySelector('img.mlgi-image').naturalWidth"), "the PNG data URI passes the dashboard's content security policy");
        Assert.AreEqual(3, await page.Locator("[data-chart^=panel-] h3", new PageLocatorOptions { HasText = "Training path" }).CountAsync());
        await Screenshot(page, "dashboard-analyses.png");
    }

    private static void RequireAnalysedRun()
    {
        RequireBrowser();
        if (!File.Exists(FashionMnist))
        {
            Assert.Inconclusive($"The analysed run trains on Fashion-MNIST, which is not installed at {FashionMnist}; install it with 'sudo apt-get install -y dataset-fashion-mnist' (CI's .ci/run does).");
        }
    }

    /// <summary>Opens a file in a browser context that is offline and aborts (and records) every request that is not for a file.</summary>
    private static async Task<(IPage Page, List<string> Blocked, List<string> Errors, IBrowserContext Context)> OpenOffline(string html)
    {
        IBrowserContext context = await s_browser!.NewContextAsync(new BrowserNewContextOptions { Offline = true, ViewportSize = new ViewportSize { Width = 1280, Height = 1000 } });
        var blocked = new List<string>();
        await context.RouteAsync("**/*", route =>
        {
            if (route.Request.Url.StartsWith("file:", StringComparison.Ordinal) || route.Request.Url.StartsWith("data:", StringComparison.Ordinal))
            {
                return route.ContinueAsync();
            }

            blocked.Add(route.Request.Url);
            return route.AbortAsync();
        });
        IPage page = await context.NewPageAsync();
        var errors = new List<string>();
        page.PageError += (_, e) => errors.Add(e);
        await page.GotoAsync(new Uri(html).AbsoluteUri);
        return (page, blocked, errors, context);
    }

    private static void RequireBrowser()
    {
        if (s_browser is null)
        {
            Assert.Inconclusive($"Chromium is not installed at {Chromium}; install it with 'sudo apt-get install -y chromium' (CI's .ci/run does).");
        }
    }

    private async Task<IPage> NewPage()
    {
        RequireBrowser();
        IBrowserContext context = await s_browser!.NewContextAsync(new BrowserNewContextOptions { ViewportSize = new ViewportSize { Width = 1280, Height = 1000 } });
        IPage page = await context.NewPageAsync();
        page.PageError += (_, e) => TestContext.WriteLine("page error: " + e);
        return page;
    }

    private static Task<double> LastStep(IPage page) => page.EvaluateAsync<double>("() => Number(document.querySelector('[data-chart=loss]').dataset.lastStep)");

    private async Task Screenshot(IPage page, string name, bool fullPage = false, ILocator? element = null)
    {
        string folder = Path.Combine(TestContext.TestResultsDirectory ?? Path.GetTempPath(), "screenshots");
        Directory.CreateDirectory(folder);
        string path = Path.Combine(folder, name);
        if (element is not null)
        {
            await element.ScreenshotAsync(new LocatorScreenshotOptions { Path = path });
        }
        else
        {
            await page.ScreenshotAsync(new PageScreenshotOptions { Path = path, FullPage = fullPage });
        }

        TestContext.AddResultFile(path);
        string? copyTo = Environment.GetEnvironmentVariable("MLGI_SCREENSHOTS");
        if (!string.IsNullOrEmpty(copyTo))
        {
            Directory.CreateDirectory(copyTo);
            File.Copy(path, Path.Combine(copyTo, name), overwrite: true);
        }
    }

    [GeneratedRegex(@"http://127\.0\.0\.1:\d+")]
    private static partial Regex LoopbackUrl();
}
