using System.Diagnostics;
using EdgeTrader.Tests.Cli;

namespace EdgeTrader.Tests.Web;

/// <summary>Real headless Chromium on the daemon's page: the state as a person sees it, updated without a reload.</summary>
public class StatusPageTests
{
    const string StateProbe = "document.getElementById('state').textContent + '|' + document.getElementById('reason').textContent + '|' + " +
                              "document.getElementById('source').textContent + '|' + document.getElementById('identity').textContent + '|' + " +
                              "document.getElementById('lamp-red').dataset.look + '|' + document.body.dataset.live + '|' + window.__sameDocument";

    [SkippableFact]
    public void The_page_shows_SAFE_then_ENGAGED_with_the_reason_within_a_second_of_engage_without_a_reload()
    {
        Skip.If(Chromium.Executable is null, "Debian's chromium is not installed (scripts/install-deps.sh --test)");
        string ticks = $"tcp://127.0.0.1:{Bin.FreePort()}", gw = $"tcp://127.0.0.1:{Bin.FreePort()}";
        using var d = new Daemon(ticks, gw, dryRun: true, node: "page-e2e");
        var sim = Bin.Start("sim-bridge", "--ticks", ticks, "--gateway", gw, "--rate", "200");
        try
        {
            d.Start();
            string page = d.HttpBase() + "/";
            using var browser = new Chromium();
            browser.Navigate(page);
            Assert.True(Bin.WaitFor(() => browser.Eval("document.body.dataset.state") == "SAFE" && browser.Eval("document.body.dataset.live") == "yes", TimeSpan.FromSeconds(15)),
                "the page never showed SAFE: " + browser.Eval(StateProbe));
            Assert.Equal("SAFE", browser.Eval("document.getElementById('state').textContent"));
            Assert.Equal("blink", browser.Eval("document.getElementById('lamp-green').dataset.look"));
            Assert.Contains("bridge", browser.Eval("document.getElementById('links').textContent"));
            Assert.Equal("true", browser.Eval("document.getElementById('trading-card').hidden")); // http.showTrading is off
            Assert.DoesNotContain("EURUSD", browser.Eval("document.body.innerText"));
            browser.Screenshot(Path.Combine(WebSupport.ArtifactsDir, "page-safe.png"));

            browser.Eval("window.__sameDocument = 'yes'"); // a reload would lose it
            var sw = Stopwatch.StartNew();
            var (reply, _) = WebSupport.Control(d.Socket, "engage", "page e2e: operator pressed engage");
            Assert.Equal("ENGAGED", reply.GetProperty("state").GetString());
            string seen = "";
            bool shown = Bin.WaitFor(() => (seen = browser.Eval(StateProbe)).StartsWith("ENGAGED|page e2e: operator pressed engage|", StringComparison.Ordinal), TimeSpan.FromSeconds(5));
            var took = sw.Elapsed;
            Assert.True(shown, "the page did not show ENGAGED: " + seen);
            Assert.True(took < TimeSpan.FromSeconds(1), $"ENGAGED appeared {took.TotalMilliseconds:0} ms after engage (limit 1000 ms)");
            Assert.Equal("ENGAGED|page e2e: operator pressed engage|cli|page-e2e #1|on|yes|yes", seen);
            Assert.Contains("ENGAGED (generation 1) by cli", Bin.WaitFor(() => browser.Eval("document.getElementById('decisions').textContent").Contains("ENGAGED (generation 1)"), TimeSpan.FromSeconds(5))
                ? browser.Eval("document.getElementById('decisions').textContent") : "");
            browser.Screenshot(Path.Combine(WebSupport.ArtifactsDir, "page-engaged.png"));
            File.WriteAllText(Path.Combine(WebSupport.ArtifactsDir, "page-engage.txt"), $"engage -> ENGAGED on the page: {took.TotalMilliseconds:0} ms\n");
        }
        finally
        {
            Bin.Terminate(sim);
            sim.WaitForExit(5000);
        }
    }

    [SkippableFact]
    public void A_page_that_stops_hearing_from_the_daemon_says_so_instead_of_showing_a_stale_SAFE()
    {
        Skip.If(Chromium.Executable is null, "Debian's chromium is not installed (scripts/install-deps.sh --test)");
        using var d = new Daemon($"tcp://127.0.0.1:{Bin.FreePort()}", $"tcp://127.0.0.1:{Bin.FreePort()}", dryRun: true, node: "stale-e2e");
        d.Start();
        using var browser = new Chromium();
        browser.Navigate(d.HttpBase() + "/");
        Assert.True(Bin.WaitFor(() => browser.Eval("document.body.dataset.live") == "yes", TimeSpan.FromSeconds(15)), "the page never went live");
        Assert.Equal(0, d.Stop());
        Assert.True(Bin.WaitFor(() => browser.Eval("document.body.dataset.live") == "stale", TimeSpan.FromSeconds(10)), "the page kept claiming to be live");
        Assert.Contains("NO UPDATE", browser.Eval("document.getElementById('live').textContent"));
        browser.Screenshot(Path.Combine(WebSupport.ArtifactsDir, "page-stale.png"));
    }
}
