using System.Text.Json;
using EdgeTrader.Configuration;
using EdgeTrader.Health;
using EdgeTrader.Session;
using EdgeTrader.KillSwitch;
using EdgeTrader.Trading;
using EdgeTrader.Trading.Risk;

namespace EdgeTrader.Tests.Session;

/// <summary>The session's rules on input: the order route, reply routing, ack timeouts and cancel_all.</summary>
public sealed class TradingSessionTests
{
    [Fact]
    public void A_tick_becomes_an_order_frame_on_the_gateway_link_and_its_replies_settle_it()
    {
        using var h = new SessionHarness();
        h.Feed(h.Tick());
        var order = Assert.Single(h.SentOfType("order"));
        string id = order.GetProperty("id").GetString()!;
        Assert.Equal("pi-1-5-000001", id);
        Assert.Equal(1, h.Loop.InFlightCount);
        h.Link.Reply($"{{\"type\":\"ack\",\"id\":\"{id}\"}}");
        h.Link.Reply($"{{\"type\":\"fill\",\"id\":\"{id}\",\"qty\":0.01,\"price\":1.1001}}");
        h.Turn();
        Assert.Equal(0, h.Loop.InFlightCount);
        Assert.Equal(0.01, h.Loop.Book.Net(0), 9);
        Assert.Equal((1L, 1L), (h.Loop.Counters.Gateway.Acks, h.Loop.Counters.Gateway.Fills));
        Assert.Equal(["order", "ack", "fill"], h.Log.Records.Select(r => r.Type));
    }

    [Fact]
    public void Replies_for_ids_of_another_run_or_node_or_of_no_order_are_counted_and_change_nothing()
    {
        using var h = new SessionHarness();
        h.Feed(h.Tick());
        foreach (var id in new[] { "pi-1-4-000001", "pi-2-5-000001", "pi-1-5-000099", "pi-1-5-1", "" })
        {
            h.Link.Reply($"{{\"type\":\"fill\",\"id\":\"{id}\",\"qty\":0.01,\"price\":1.1}}");
            h.Link.Reply($"{{\"type\":\"reject\",\"id\":\"{id}\",\"reason\":\"x\"}}");
        }
        h.Turn();
        Assert.Equal(10, h.Loop.Counters.Gateway.Unknown);
        Assert.Equal(1, h.Loop.InFlightCount);
        Assert.Equal(0, h.Loop.Book.Net(0));
    }

    [Fact]
    public void Replies_for_orders_restored_at_a_warm_start_go_to_them_by_id()
    {
        using var h = new SessionHarness();
        h.Loop.RestoreInFlight([new PendingOrder { Id = "pi-1-4-000007", Run = 4, Seq = 7, SymbolId = 0, Side = Side.Sell, Qty = 0.02, Price = 1.1 }], holdOrders: false);
        h.Link.Reply("{\"type\":\"ack\",\"id\":\"pi-1-4-000007\"}");
        h.Link.Reply("{\"type\":\"fill\",\"id\":\"pi-1-4-000007\",\"qty\":0.01,\"price\":1.2}");
        h.Turn();
        Assert.Equal(-0.01, h.Loop.Book.Net(0), 9);
        Assert.Equal(1, h.Loop.RestoredCount);
        h.Link.Reply("{\"type\":\"reject\",\"id\":\"pi-1-4-000007\",\"reason\":\"expired\"}");
        h.Turn();
        Assert.Equal(0, h.Loop.RestoredCount);
        Assert.Equal(0, h.Loop.Book.Pending(0, Side.Sell), 9);
        Assert.Equal(0, h.Loop.Counters.Gateway.Unknown);
        Assert.Contains(h.Log.Records, r => r.Type == "reject" && r.Id == "pi-1-4-000007");
    }

    [Fact]
    public void Unusable_gateway_frames_are_counted_and_the_session_goes_on()
    {
        using var h = new SessionHarness();
        h.Feed(h.Tick());
        string id = h.SentOfType("order")[0].GetProperty("id").GetString()!;
        foreach (var f in new[] { "", "{", "[1,2]", "{\"type\":1}", "{\"type\":\"fill\",\"id\":\"" + id + "\",\"qty\":\"0.01\",\"price\":1}",
                     "{\"type\":\"fill\",\"id\":\"" + id + "\",\"qty\":0,\"price\":1}", "{\"type\":\"fill\",\"id\":\"" + id + "\",\"qty\":0.01}",
                     "{\"type\":\"fill\",\"id\":\"" + id + "\",\"qty\":0.01,\"price\":-1}", "{\"type\":\"open_orders\"}" })
            h.Link.Reply(f);
        h.Link.Reply(new byte[GatewayWireLimits.TooLarge]);
        h.Turn();
        Assert.Equal(10, h.Loop.Counters.Gateway.Unknown);
        Assert.Equal(1, h.Loop.InFlightCount);
        h.Feed(h.Tick());
        Assert.Equal(2, h.SentOfType("order").Count);
    }

    [Fact]
    public void An_order_not_acknowledged_within_ackTimeoutMs_is_flagged_once_and_stays_in_flight()
    {
        using var h = new SessionHarness(gateway: new GatewayOptions { AckTimeoutMs = 500, StaleAfterMs = 10_000, HeartbeatMs = 1000 });
        h.Feed(h.Tick());
        h.Feed(h.Tick());
        string acked = h.SentOfType("order")[1].GetProperty("id").GetString()!;
        h.Link.Reply($"{{\"type\":\"ack\",\"id\":\"{acked}\"}}");
        h.Advance(480);
        Assert.Equal(0, h.Loop.Counters.Gateway.Timeouts);
        h.Advance(40);
        Assert.Equal(1, h.Loop.Counters.Gateway.Timeouts);
        h.Advance(2000);
        Assert.Equal(1, h.Loop.Counters.Gateway.Timeouts);
        Assert.Equal(2, h.Loop.InFlightCount);
        var timeout = Assert.Single(h.Log.OfType("timeout"));
        Assert.Equal(1, timeout.Seq);
    }

    [Fact]
    public void An_engagement_sends_cancel_all_on_the_next_turn_without_waiting_for_a_tick()
    {
        using var h = new SessionHarness();
        h.Turn();
        var s = h.Breaker.Engage("operator", BreakerSource.Cli);
        h.Turn();
        var c = Assert.Single(h.SentOfType("cancel_all"));
        Assert.Equal(s.Generation, c.GetProperty("generation").GetInt64());
        Assert.Equal("operator", c.GetProperty("reason").GetString());
        Assert.Equal(1, h.Session.CancelAllSent);
        h.Turn();
        Assert.Single(h.SentOfType("cancel_all"));
    }

    [Fact]
    public void A_renewed_engagement_is_a_new_stop_and_sends_cancel_all_again()
    {
        using var h = new SessionHarness();
        h.Turn();
        h.Breaker.Engage("first", BreakerSource.Risk);
        h.Turn();
        h.Breaker.Engage("automatic, already engaged", BreakerSource.Bridge); // no new engagement: nothing to send
        h.Turn();
        Assert.Single(h.SentOfType("cancel_all"));
        h.Breaker.Command("operator stop", BreakerSource.Cli); // an explicit stop renews the engagement
        h.Turn();
        Assert.Equal(["first", "operator stop"], h.SentOfType("cancel_all").Select(c => c.GetProperty("reason").GetString()));
    }

    [Fact]
    public void Every_requested_cancel_all_is_sent_whatever_its_generation()
    {
        var sink = new EdgeTrader.Tests.Trading.LoopHarness.RecordingSink();
        var cancels = new CancelAllSchedule(sink, EdgeTrader.Tests.Support.TestClock.New(), new Serilog.LoggerConfiguration().CreateLogger());
        cancels.Request("own", 10);
        cancels.Request("own again", 11);
        cancels.Flush();
        cancels.Request("a peer's engagement, adopted with its own lower counter", 3);
        Assert.True(cancels.Pending);
        cancels.Flush();
        cancels.Flush();
        Assert.Equal([11L, 3L], sink.CancelAlls);
        Assert.Equal(2, cancels.Sent);
        Assert.False(cancels.Pending);
    }

    [Fact]
    public void Cancel_all_of_an_engagement_goes_out_before_any_further_order_even_after_a_reset()
    {
        using var h = new SessionHarness();
        h.Feed(h.Tick());
        // Another thread engages and resets between two ticks, before the tick thread took a turn.
        h.Breaker.Engage("between ticks", BreakerSource.Mqtt);
        Assert.True(h.Breaker.Reset("operator", BreakerSource.Cli).Done);
        h.Transport.Feed.Publish(h.Tick());
        Assert.True(h.Session.RunTurn(0));
        Assert.Equal(["order", "heartbeat", "cancel_all", "order"], h.SentTypes());
    }

    [Fact]
    public void Cancel_all_requested_while_a_batch_is_being_acted_on_goes_out_before_the_next_order()
    {
        using var h = new SessionHarness();
        h.Turn();
        for (int i = 0; i < 5; i++) h.Transport.Feed.Publish(h.Tick());
        int orders = 0;
        h.Loop.BetweenGates = () =>
        {
            if (++orders != 2) return;
            h.Breaker.Engage("mid-batch", BreakerSource.Mqtt);
            Assert.True(h.Breaker.Reset("operator", BreakerSource.Cli).Done);
        };
        h.Turn();
        Assert.Equal(["heartbeat", "order", "cancel_all", "order", "order", "order", "order"], h.SentTypes());
    }

    [Fact]
    public void A_refused_send_is_not_an_order_and_nothing_is_queued_for_later()
    {
        using var h = new SessionHarness();
        h.Link.Connected = false;
        h.Feed(h.Tick());
        Assert.Equal(1, h.Loop.Counters.Gateway.SendFailures);
        Assert.Equal(0, h.Loop.Counters.Orders);
        h.Link.Connected = true;
        h.Advance(50);
        Assert.Empty(h.SentOfType("order"));
        var reject = Assert.Single(h.Log.OfType("reject"));
        Assert.False(reject.Sent);
    }

    [Fact]
    public void Dry_run_has_no_gateway_link_fills_at_once_and_counts_cancel_all()
    {
        using var h = new SessionHarness(dryRun: true);
        Assert.True(h.Loop.SimulatesFills);
        h.Feed(h.Tick());
        Assert.Equal(0, h.Loop.InFlightCount);
        Assert.Equal(0.01, h.Loop.Book.Net(0), 9);
        Assert.Equal(["order", "fill"], h.Log.Records.Select(r => r.Type));
        h.Breaker.Engage("x", BreakerSource.Cli);
        h.Turn();
        Assert.Equal(1, h.Session.CancelAllSent);
    }

    [Fact]
    public void The_trading_day_rolls_on_housekeeping_without_ticks()
    {
        var risk = new RiskOptions { MaxOrdersPerSecond = 1000, MaxPosition = 1000, MaxLossStreak = 0, MaxDailyLoss = 1e12, MaxTradesPerDay = 1000 };
        using var h = new SessionHarness(risk: risk, dryRun: true);
        h.Feed(h.Tick());
        Assert.Equal(1, h.Loop.Book.TradesToday);
        var before = h.Loop.Day.Current;
        h.Time.Advance(TimeSpan.FromHours(24));
        h.Turn();
        Assert.Equal(before.AddDays(1), h.Loop.Day.Current);
        Assert.Equal(before.AddDays(1), h.Loop.Book.Day);
        Assert.Equal(0, h.Loop.Book.TradesToday);
    }

    [Fact]
    public void A_transport_that_cannot_open_fails_the_start_with_its_own_error_and_engages()
    {
        var time = EdgeTrader.Tests.Support.TestClock.New();
        var breaker = new CircuitBreaker(BreakerState.FreshInstall(time.GetUtcNow()), time);
        var risk = new RiskOptions();
        var symbols = new SymbolTable(["EURUSD"]);
        var book = new PositionBook(1, risk.ContractSize);
        var parts = new EdgeTrader.Session.LoopParts(new TickParser(symbols, TickFormat.Json),
            EdgeTrader.Trading.Strategies.StrategyFactory.Create(new StrategyOptions(), symbols), new PreTradeRisk(risk, new TradingSessions(risk), book, time.TimestampFrequency),
            book, new TradingDay(TimeZoneInfo.Utc, time.GetUtcNow()), 0);
        var session = new EdgeTrader.Session.TradingSession(new BridgeOptions(), new GatewayOptions(), new UnopenableTransport(), parts, breaker,
            new EdgeTrader.Health.HealthMonitor(time), new InMemoryDecisionLog(), new OrderIds("pi-1", 1), time, new Serilog.LoggerConfiguration().CreateLogger());
        var ex = Assert.Throws<IOException>(session.Start);
        Assert.Equal("no such endpoint", ex.Message);
        Assert.True(breaker.IsEngaged);
        Assert.Equal(BreakerSource.Startup, breaker.State.Source);
        session.Dispose();
    }

    [Fact]
    public void The_tick_thread_runs_turns_until_disposed_and_a_pending_cancel_all_still_goes_out()
    {
        var h = new SessionHarness(open: false);
        h.Session.Start();
        try
        {
            h.Transport.Feed.Publish(h.Tick());
            Assert.NotNull(h.Link.TryTakeSent(TimeSpan.FromSeconds(10))); // the first heartbeat or the order
            Assert.True(SpinWait.SpinUntil(() => h.Loop.Counters.Orders == 1, TimeSpan.FromSeconds(10)));
        }
        finally
        {
            h.Session.Dispose();
        }
        Assert.Null(h.Session.Fatal);
        Assert.Equal(1, h.Transport.Opened);
    }
}

/// <summary>A transport whose sockets cannot be opened.</summary>
internal sealed class UnopenableTransport : EdgeTrader.Transports.ITradingTransport
{
    readonly EdgeTrader.Transports.InMemory.InMemoryTransport _inner = new();
    public EdgeTrader.Transports.ITickFeed Ticks => _inner.Ticks;
    public EdgeTrader.Transports.IGatewayLink? Gateway => _inner.Gateway;
    public (string Ticks, string? Gateway) Endpoints => _inner.Endpoints;
    public void Open() => throw new IOException("no such endpoint");
    public EdgeTrader.Transports.Readiness Wait(int timeoutMs) => _inner.Wait(timeoutMs);
    public void Wake() => _inner.Wake();
    public void Shutdown() => _inner.Shutdown();
    public void Dispose() => _inner.Dispose();
}

/// <summary>Frame sizes around the gateway codec's limit.</summary>
internal static class GatewayWireLimits
{
    public const int TooLarge = EdgeTrader.Session.GatewayWire.MaxFrameBytes + 1;
}

/// <summary>A hostile gateway's fills, through the wire: checked against their order.</summary>
public sealed class HostileGatewayFillTests
{
    [Fact]
    public void A_fill_far_beyond_the_limit_engages_as_gateway_and_credits_nothing()
    {
        using var h = new SessionHarness(risk: new RiskOptions { MaxOrdersPerSecond = 100_000, MaxPosition = 1_000, MaxLossStreak = 0, MaxDailyLoss = 1_000, MaxTradesPerDay = 1_000_000 });
        h.Feed(h.Tick());
        string id = h.SentOfType("order")[0].GetProperty("id").GetString()!;
        h.Link.Reply($"{{\"type\":\"fill\",\"id\":\"{id}\",\"qty\":0.01,\"price\":1000000}}"); // a BUY limited at 1.1001
        h.Turn();
        Assert.True(h.Breaker.IsEngaged);
        Assert.Equal(BreakerSource.Gateway, h.Breaker.State.Source);
        Assert.StartsWith("FILL_", h.Breaker.State.Reason);
        Assert.Contains(h.Log.OfType("anomaly"), r => r.Text!.StartsWith("FILL_"));
        Assert.Equal(0.01, h.Loop.Book.Net(0), 9); // exposure follows the gateway
    }

    [Fact]
    public void A_fill_on_the_other_side_engages_and_the_position_follows_the_gateway()
    {
        using var h = new SessionHarness();
        h.Feed(h.Tick());
        string id = h.SentOfType("order")[0].GetProperty("id").GetString()!;
        h.Link.Reply($"{{\"type\":\"fill\",\"id\":\"{id}\",\"side\":\"SELL\",\"qty\":0.01,\"price\":1.1000}}");
        h.Turn();
        Assert.True(h.Breaker.IsEngaged);
        Assert.StartsWith("FILL_SIDE_MISMATCH", h.Breaker.State.Reason);
        Assert.Equal(-0.01, h.Loop.Book.Net(0), 9);
        Assert.Equal(0, h.Loop.InFlightCount);
    }

    [Fact]
    public void An_overfill_engages_and_books_the_gateways_quantity()
    {
        using var h = new SessionHarness();
        h.Feed(h.Tick());
        string id = h.SentOfType("order")[0].GetProperty("id").GetString()!;
        h.Link.Reply($"{{\"type\":\"fill\",\"id\":\"{id}\",\"side\":\"BUY\",\"qty\":0.05,\"price\":1.1001}}");
        h.Turn();
        Assert.StartsWith("OVERFILL", h.Breaker.State.Reason);
        Assert.Equal(0.05, h.Loop.Book.Net(0), 9);
        Assert.Equal(1, h.Loop.Counters.AnomalyCount(AnomalyCode.Overfill));
    }

    [Fact]
    public void A_price_band_broken_by_the_feed_degrades_the_bridge_link_until_it_re_anchors()
    {
        using var h = new SessionHarness(priceBand: new PriceBandOptions { BootstrapTicks = 1, MaxConsecutive = 3, EngageOnBreak = false });
        h.Feed(h.Tick());
        for (int i = 0; i < 3; i++) h.Feed(h.Tick(bid: 2.0, ask: 2.0001));
        h.Advance(40);
        Assert.Equal(LinkState.Degraded, h.State(Link.Bridge));
        h.Feed(h.Tick(bid: 2.0, ask: 2.0001));
        h.Advance(40);
        Assert.Equal(LinkState.Up, h.State(Link.Bridge));
    }
}
