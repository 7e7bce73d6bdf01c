using System.Net;
using System.Text;
using EdgeTrader.Status;
using EdgeTrader.Tests.Status;
using EdgeTrader.Tests.Support;
using EdgeTrader.Web;

namespace EdgeTrader.Tests.Web;

public class StatusSiteTests
{
    static HttpRequestHead Get(string path) => new("GET", path, "", "127.0.0.1", null, IPAddress.Loopback);

    sealed class Source
    {
        public int Calls;
        public StatusSnapshot Current = Snapshots.Sample();
        public StatusSnapshot Take(bool _) { Calls++; return Current; }
    }

    [Fact]
    public void The_page_and_its_assets_come_from_the_binary_and_reference_nothing_outside()
    {
        var site = new StatusSite(new Source().Take, false, TestClock.New());
        foreach (var path in new[] { "/", "/app.js", "/style.css", "/favicon.svg" })
        {
            var r = site.Handle(Get(path));
            Assert.Equal(200, r.Status);
            var text = Encoding.UTF8.GetString(r.Body).Replace("xmlns=\"http://www.w3.org/2000/svg\"", "", StringComparison.Ordinal); // a name, not a fetch
            Assert.DoesNotContain("http://", text);
            Assert.DoesNotContain("https://", text);
            Assert.DoesNotContain("//cdn", text);
        }
        Assert.Contains("EventSource", Encoding.UTF8.GetString(site.Handle(Get("/app.js")).Body));
        Assert.DoesNotContain("innerHTML", Encoding.UTF8.GetString(site.Handle(Get("/app.js")).Body));
    }

    [Theory]
    [InlineData("/reset")]
    [InlineData("/engage")]
    [InlineData("/api/reset")]
    [InlineData("/../etc/passwd")]
    [InlineData("/metrics/")]
    public void Unknown_paths_are_404(string path)
    {
        var site = new StatusSite(new Source().Take, false, TestClock.New());
        Assert.Equal(404, site.Handle(Get(path)).Status);
    }

    [Fact]
    public void A_flood_of_scrapes_renders_once_per_interval()
    {
        var time = TestClock.New();
        var src = new Source();
        var site = new StatusSite(src.Take, false, time);
        for (int i = 0; i < 1000; i++) site.Handle(Get("/metrics"));
        Assert.Equal(1, src.Calls);
        time.Advance(StatusSite.RenderInterval);
        site.Handle(Get("/metrics"));
        Assert.Equal(2, src.Calls);
    }

    [Fact]
    public void A_breaker_transition_reaches_an_event_stream_at_the_next_turn_not_at_the_next_refresh()
    {
        var time = TestClock.New();
        var src = new Source();
        var site = new StatusSite(src.Take, false, time);
        long version = 0;
        Assert.Contains("\"state\":\"SAFE\"", Encoding.UTF8.GetString(site.NextEvent(ref version)!));
        Assert.Null(site.NextEvent(ref version)); // nothing new
        src.Current = Snapshots.Sample(Snapshots.Engaged());
        Assert.Null(site.NextEvent(ref version)); // still the cached rendering...
        site.Invalidate(); // ...until the breaker says something changed
        var ev = Encoding.UTF8.GetString(site.NextEvent(ref version)!);
        Assert.StartsWith("data: {", ev);
        Assert.EndsWith("}\n\n", ev);
        Assert.Contains("\"state\":\"ENGAGED\"", ev);
        Assert.Contains("\"reason\":\"operator: test\"", ev);
    }

    [Fact]
    public void Event_streams_are_refreshed_every_second_without_a_transition()
    {
        var time = TestClock.New();
        var src = new Source();
        var site = new StatusSite(src.Take, false, time);
        long version = 0;
        site.NextEvent(ref version);
        time.Advance(StatusSite.StreamInterval);
        Assert.NotNull(site.NextEvent(ref version));
    }

    [Fact]
    public void Healthz_answers_503_when_the_loop_is_not_beating()
    {
        var src = new Source { Current = Snapshots.Sample(loopAlive: false) };
        var site = new StatusSite(src.Take, false, TestClock.New());
        var r = site.Handle(Get("/healthz"));
        Assert.Equal(503, r.Status);
        Assert.Equal("application/json", r.ContentType);
    }

    [Fact]
    public void Metrics_carry_positions_and_PnL_only_with_show_trading()
    {
        string Metrics(bool show) => Encoding.UTF8.GetString(new StatusSite(new Source().Take, show, TestClock.New()).Handle(Get("/metrics")).Body);
        Assert.DoesNotContain("EURUSD", Metrics(false));
        Assert.DoesNotContain("edgetrader_pnl_", Metrics(false));
        Assert.Contains("edgetrader_position_net_lots{symbol=\"EURUSD\"}", Metrics(true));
    }

    [Fact]
    public void The_page_json_respects_show_trading()
    {
        Assert.DoesNotContain("EURUSD", Encoding.UTF8.GetString(new StatusSite(new Source().Take, false, TestClock.New()).Handle(Get("/status.json")).Body));
        Assert.Contains("EURUSD", Encoding.UTF8.GetString(new StatusSite(new Source().Take, true, TestClock.New()).Handle(Get("/status.json")).Body));
    }
}
