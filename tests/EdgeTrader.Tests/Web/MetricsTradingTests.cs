using EdgeTrader.Tests.Cli;

namespace EdgeTrader.Tests.Web;

/// <summary>
/// /metrics of a trading daemon (the AOT binary against sim-bridge, its real HTTP server): positions and P&amp;L per
/// symbol only with <c>http.showTrading</c>, since whoever may read /metrics may read the page.
/// </summary>
public class MetricsTradingTests
{
    static string Scrape(bool showTrading)
    {
        string ticks = $"tcp://127.0.0.1:{Bin.FreePort()}", gw = $"tcp://127.0.0.1:{Bin.FreePort()}";
        using var d = new Daemon(ticks, gw, dryRun: false, node: "book-e2e",
            http: $$"""{ "listen": "127.0.0.1:0", "showTrading": {{(showTrading ? "true" : "false")}} }""");
        var sim = Bin.Start("sim-bridge", "--ticks", ticks, "--gateway", gw, "--rate", "500");
        try
        {
            d.Start();
            Assert.True(Bin.WaitFor(() => d.Status().GetProperty("counters").GetProperty("fills").GetInt64() > 5, TimeSpan.FromSeconds(20)), "no fills");
            using var http = WebSupport.Client();
            string b = d.HttpBase();
            string text = "";
            // The book has a position once a fill was booked; the exposition is rendered at most every 250 ms.
            Assert.True(Bin.WaitFor(() => (text = WebSupport.GetString(http, b + "/metrics")).Contains("edgetrader_order_fills_total", StringComparison.Ordinal)
                && !text.Contains("edgetrader_order_fills_total 0\n", StringComparison.Ordinal), TimeSpan.FromSeconds(10)), "no fills in /metrics");
            return text;
        }
        finally
        {
            Bin.Terminate(sim);
            sim.WaitForExit(5000);
        }
    }

    [Fact]
    public void Without_show_trading_metrics_carry_no_position_and_no_PnL()
    {
        var text = Scrape(showTrading: false);
        Assert.DoesNotContain("edgetrader_position_", text);
        Assert.DoesNotContain("edgetrader_pnl_", text);
        Assert.DoesNotContain("edgetrader_pnl_realized_today_by_symbol", text);
        Assert.DoesNotContain("EURUSD", text);
        Assert.Contains("edgetrader_breaker_engaged 0", text); // the rest is there
    }

    [Fact]
    public void With_show_trading_metrics_carry_the_position_and_PnL_per_symbol()
    {
        var text = Scrape(showTrading: true);
        Assert.Contains("edgetrader_position_net_lots{symbol=\"EURUSD\"}", text);
        Assert.Contains("edgetrader_pnl_unrealized{symbol=\"EURUSD\"}", text);
        Assert.Contains("edgetrader_pnl_realized_today", text);
        Assert.Contains("# TYPE edgetrader_pnl_realized_today_by_symbol gauge\n", text);
        foreach (var symbol in Symbols(text)) Assert.Matches($"\nedgetrader_pnl_realized_today_by_symbol\\{{symbol=\"{symbol}\"\\}} -?[0-9.e+-]+\n", text);
    }

    /// <summary>The symbols the daemon books: one sample each in the position family.</summary>
    static string[] Symbols(string text)
    {
        var symbols = System.Text.RegularExpressions.Regex.Matches(text, "\nedgetrader_position_net_lots\\{symbol=\"([^\"]+)\"\\}").Select(m => m.Groups[1].Value).ToArray();
        Assert.Contains("EURUSD", symbols);
        return symbols;
    }
}
