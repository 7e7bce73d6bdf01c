using System.Diagnostics;
using EdgeTrader.Tests.Cli;

namespace EdgeTrader.Tests.Web;

/// <summary>A real Prometheus scrapes the AOT daemon with its bearer token; promtool checks the exposition and the rules.</summary>
public class PrometheusTests
{
    [SkippableFact]
    public void Prometheus_sees_the_breaker_gauge_go_from_0_to_1_after_engage_and_the_engaged_alert_fire()
    {
        Skip.IfNot(PrometheusServer.Installed, "Debian's prometheus is not installed (scripts/install-deps.sh --test)");
        var (tokenPath, _) = WebSupport.TokenFile(Directory.CreateTempSubdirectory("et-token-").FullName);
        using var d = new Daemon($"tcp://127.0.0.1:{Bin.FreePort()}", $"tcp://127.0.0.1:{Bin.FreePort()}", dryRun: true, node: "prom-e2e",
            http: $"{{ \"listen\": \"127.0.0.1:0\", \"tokenFile\": \"{tokenPath}\" }}");
        d.Start();
        string target = d.HttpBase()["http://".Length..];
        using var prom = new PrometheusServer(target, tokenPath, WebSupport.RulesFile);

        Assert.True(Bin.WaitFor(() => prom.Value("edgetrader_breaker_engaged{job=\"edgetrader\"}") == 0, TimeSpan.FromSeconds(30)),
            "Prometheus never saw edgetrader_breaker_engaged 0:\n" + prom.Log);
        Assert.Equal(1, prom.Value("up{job=\"edgetrader\"}"));
        var sw = Stopwatch.StartNew();
        var (exit, _, _) = Bin.Run("engage", "--reason", "prometheus e2e", "--socket", d.Socket);
        Assert.Equal(0, exit);
        Assert.True(Bin.WaitFor(() => prom.Value("edgetrader_breaker_engaged{job=\"edgetrader\"}") == 1, TimeSpan.FromSeconds(15)), "the gauge did not go to 1");
        var seen = sw.Elapsed;
        Assert.Equal(1, prom.Value("edgetrader_breaker_engagements_total{source=\"cli\"}"));
        Assert.Equal(1, prom.Value("edgetrader_breaker_info{state=\"ENGAGED\",source=\"cli\",reason=\"prometheus e2e\"}"));

        // The shipped rules, loaded by this Prometheus, fire on the real series.
        Assert.True(Bin.WaitFor(() => prom.Get("/api/v1/alerts").GetProperty("alerts").EnumerateArray()
            .Any(a => a.GetProperty("labels").GetProperty("alertname").GetString() == "EdgeTraderEngaged" && a.GetProperty("state").GetString() == "firing"),
            TimeSpan.FromSeconds(15)), "EdgeTraderEngaged did not fire");

        // How Prometheus sees a box that stopped: the scrape fails (up = 0) and the box's series go stale at once,
        // so the ENGAGED alert goes quiet; EdgeTraderDown (on up) is the one that must speak.
        using (var stop = Process.Start("kill", ["-STOP", d.Process!.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
            stop.WaitForExit();
        try
        {
            Assert.True(Bin.WaitFor(() => prom.Value("up{job=\"edgetrader\"}") == 0, TimeSpan.FromSeconds(15)), "a stopped daemon still counted as up");
            Assert.True(Bin.WaitFor(() => prom.Value("edgetrader_breaker_engaged{job=\"edgetrader\"}") is null, TimeSpan.FromSeconds(10)), "the stopped box's series did not go stale");
        }
        finally
        {
            using var cont = Process.Start("kill", ["-CONT", d.Process!.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
            cont.WaitForExit();
        }
        Assert.True(Bin.WaitFor(() => prom.Value("up{job=\"edgetrader\"}") == 1, TimeSpan.FromSeconds(15)), "the resumed daemon was not scraped again");
        File.WriteAllText(Path.Combine(WebSupport.ArtifactsDir, "prometheus-engage.txt"), $"engage -> Prometheus sees edgetrader_breaker_engaged 1: {seen.TotalMilliseconds:0} ms (scrape interval 500 ms)\n");
    }

    [SkippableFact]
    public void Promtool_accepts_the_exposition_of_a_trading_daemon()
    {
        Skip.IfNot(PrometheusServer.Installed, "Debian's prometheus is not installed (scripts/install-deps.sh --test)");
        string ticks = $"tcp://127.0.0.1:{Bin.FreePort()}", gw = $"tcp://127.0.0.1:{Bin.FreePort()}";
        using var d = new Daemon(ticks, gw, dryRun: false, node: "promtool-e2e");
        var sim = Bin.Start("sim-bridge", "--ticks", ticks, "--gateway", gw, "--rate", "500", "--reject-ratio", "0.1");
        try
        {
            d.Start();
            string b = d.HttpBase();
            using var http = WebSupport.Client();
            Assert.True(Bin.WaitFor(() => d.Status().GetProperty("counters").GetProperty("fills").GetInt64() > 20, TimeSpan.FromSeconds(20)), "no fills");
            Bin.Run("engage", "--reason", "promtool \"quoted\" reason\\with a backslash", "--socket", d.Socket);
            var text = WebSupport.GetString(http, b + "/metrics");
            File.WriteAllText(Path.Combine(WebSupport.ArtifactsDir, "metrics.txt"), text);
            var (exit, output) = WebSupport.RunWithInput("/usr/bin/promtool", text, "check", "metrics");
            Assert.True(exit == 0, "promtool check metrics:\n" + output);
            Assert.Contains("edgetrader_tick_to_order_seconds_count", text);
            Assert.Matches(@"edgetrader_tick_to_order_seconds_count [1-9]", text);
            Assert.Matches(@"edgetrader_journal_commit_seconds_count [1-9]", text);
            Assert.Contains("reason=\"promtool \\\"quoted\\\" reason\\\\with a backslash\"", text);
        }
        finally
        {
            Bin.Terminate(sim);
            sim.WaitForExit(5000);
        }
    }

    [SkippableFact]
    public void The_alert_rules_pass_promtool_check_and_their_unit_tests()
    {
        Skip.IfNot(PrometheusServer.Installed, "Debian's prometheus is not installed (scripts/install-deps.sh --test)");
        var (exit, output) = WebSupport.Run("/usr/bin/promtool", "check", "rules", WebSupport.RulesFile);
        Assert.True(exit == 0, output);
        var tests = Path.Combine(Path.GetDirectoryName(WebSupport.RulesFile)!, "edgetrader-rules.test.yml");
        (exit, output) = WebSupport.Run("/usr/bin/promtool", "test", "rules", tests);
        Assert.True(exit == 0, output);
    }

    [Fact]
    public void Every_metric_the_rules_and_the_dashboard_use_is_exposed()
    {
        using var d = new Daemon($"tcp://127.0.0.1:{Bin.FreePort()}", $"tcp://127.0.0.1:{Bin.FreePort()}", dryRun: true, node: "names-e2e");
        d.Start();
        using var http = WebSupport.Client();
        var exposed = WebSupport.GetString(http, d.HttpBase() + "/metrics").Split('\n')
            .Where(l => l.StartsWith("# TYPE ", StringComparison.Ordinal)).Select(l => l.Split(' ')[2]).ToHashSet();
        // Histograms expose _bucket, _sum and _count series.
        foreach (var h in exposed.ToArray()) { exposed.Add(h + "_bucket"); exposed.Add(h + "_sum"); exposed.Add(h + "_count"); }
        // Families written only when their source exists (a Pi's power bits, an armed watchdog, a tick, a panel), and
        // the book, written only with http.showTrading (this daemon has it off).
        string[] conditional = ["edgetrader_position_", "edgetrader_pnl_", "edgetrader_power_", "edgetrader_watchdog_timeout_seconds", "edgetrader_last_tick_age_seconds", "edgetrader_panel_", "edgetrader_service_watchdog_seconds", "edgetrader_clock_max_error_seconds"];
        foreach (var file in new[] { WebSupport.RulesFile, Path.Combine(WebSupport.RepoRoot, "docs", "examples", "grafana", "edgetrader-dashboard.json") })
        {
            var used = System.Text.RegularExpressions.Regex.Matches(File.ReadAllText(file), @"edgetrader_[a-z_]+[a-z]").Select(m => m.Value).Distinct();
            foreach (var name in used)
                Assert.True(exposed.Contains(name) || conditional.Any(c => name.StartsWith(c, StringComparison.Ordinal)), $"{Path.GetFileName(file)} uses {name}, which /metrics does not expose");
        }
    }
}
