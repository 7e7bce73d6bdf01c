using EdgeTrader.Configuration;
using EdgeTrader.KillSwitch;
using EdgeTrader.Trading;
using EdgeTrader.Trading.Risk;

namespace EdgeTrader.Tests.Trading;

public class TradingLoopTests
{
    [Fact]
    public void Without_engagement_every_signal_becomes_an_order()
    {
        var h = new LoopHarness();
        for (int i = 1; i <= 15; i++) Assert.Equal(TickOutcome.OrderSent, h.Tick());
        Assert.Equal(15, h.Sink.Sent.Count);
        Assert.Equal(Enumerable.Range(1, 15).Select(i => (long)i), h.Sink.Sent.Select(o => o.TickSeq));
    }

    [Fact]
    public void Engaged_at_tick_5_of_15_only_ticks_1_to_4_give_orders()
    {
        var h = new LoopHarness();
        for (int i = 1; i <= 15; i++)
        {
            if (i == 5) h.Breaker.Engage("scenario", BreakerSource.Cli);
            h.Tick();
        }
        Assert.Equal([1L, 2, 3, 4], h.Sink.Sent.Select(o => o.TickSeq));
        Assert.Equal(11, h.Loop.Counters.Gate1Blocked);
    }

    [Fact]
    public void Engaged_before_tick_1_no_order_leaves()
    {
        var h = new LoopHarness();
        h.Breaker.Engage("before", BreakerSource.Cli);
        for (int i = 1; i <= 15; i++) Assert.Equal(TickOutcome.BlockedAtGate1, h.Tick());
        Assert.Empty(h.Sink.Sent);
    }

    [Fact]
    public void Engagement_between_gate_1_and_gate_2_blocks_the_order_at_gate_2()
    {
        var h = new LoopHarness();
        h.Loop.BetweenGates = () => h.Breaker.Engage("landed between the gates", BreakerSource.Mqtt);
        Assert.Equal(TickOutcome.BlockedAtGate2, h.Tick());
        Assert.Empty(h.Sink.Sent);
        Assert.Equal(1, h.Loop.Counters.Gate2Blocked);
        Assert.Equal(1, h.Loop.Counters.DeniedFor(DenialCode.KillSwitchEngaged));
    }

    [Fact]
    public void Rate_limit_denies_beyond_max_orders_in_any_one_second_window()
    {
        var h = new LoopHarness(new RiskOptions { MaxOrdersPerSecond = 3, MaxPosition = 100, MaxLossStreak = 0 });
        for (int i = 0; i < 3; i++) Assert.Equal(TickOutcome.OrderSent, h.Tick());
        Assert.Equal(TickOutcome.Denied, h.Tick());
        Assert.Equal(1, h.Loop.Counters.DeniedFor(DenialCode.RateLimitExceeded));
        h.Time.Advance(TimeSpan.FromMilliseconds(999));
        Assert.Equal(TickOutcome.Denied, h.Tick());
        h.Time.Advance(TimeSpan.FromMilliseconds(1));
        Assert.Equal(TickOutcome.OrderSent, h.Tick());
    }

    [Fact]
    public void Quantity_above_max_qty_is_denied()
    {
        var h = new LoopHarness(new RiskOptions { MaxQty = 0.005, MaxPosition = 100, MaxLossStreak = 0 });
        Assert.Equal(TickOutcome.Denied, h.Tick());
        Assert.Equal(1, h.Loop.Counters.DeniedFor(DenialCode.MaxQtyExceeded));
    }

    [Fact]
    public void Position_limit_counts_orders_in_flight()
    {
        // every-tick alternates BUY/SELL per symbol; with two symbols fed on one, buys on EURUSD accumulate every other tick.
        var h = new LoopHarness(new RiskOptions { MaxPosition = 0.015, MaxOrdersPerSecond = 1000, MaxLossStreak = 0 });
        Assert.Equal(TickOutcome.OrderSent, h.Tick()); // BUY 0.01, in flight (no fill: gateway mode)
        Assert.Equal(TickOutcome.OrderSent, h.Tick()); // SELL 0.01: worst case |0 - 0.01 - 0.01|... 
        // Third: BUY again; in-flight buys 0.01 + 0.01 = 0.02 > 0.015.
        Assert.Equal(TickOutcome.Denied, h.Tick());
        Assert.Equal(1, h.Loop.Counters.DeniedFor(DenialCode.PositionLimitExceeded));
    }

    [Fact]
    public void Stale_tick_is_dropped_and_never_produces_an_order()
    {
        var h = new LoopHarness(new RiskOptions { MaxTickAgeMs = 500, MaxPosition = 100, MaxLossStreak = 0 });
        Assert.Equal(TickOutcome.Dropped, h.Feed(h.Json(time: h.NowMs - 501)));
        Assert.Equal(1, h.Loop.Counters.DroppedFor(TickDropReason.Stale));
        Assert.Equal(TickOutcome.OrderSent, h.Feed(h.Json(time: h.NowMs - 499)));
    }

    [Fact]
    public void Orders_outside_the_trading_session_are_denied_in_the_sessions_time_zone()
    {
        // 09:00 UTC = 10:00 in Berlin (CET, November). Session 10:30-17:00 Berlin.
        var risk = new RiskOptions
        {
            MaxPosition = 100, MaxLossStreak = 0, MaxTickAgeMs = 0, TimeZone = "Europe/Berlin",
            Sessions = [new TradingSessionOptions { Days = [SessionDay.Mon, SessionDay.Tue, SessionDay.Wed, SessionDay.Thu, SessionDay.Fri], Start = "10:30", End = "17:00" }],
        };
        var h = new LoopHarness(risk);
        Assert.Equal(TickOutcome.Denied, h.Tick());
        Assert.Equal(1, h.Loop.Counters.DeniedFor(DenialCode.OutsideTradingSession));
        h.Time.Advance(TimeSpan.FromMinutes(30));
        Assert.Equal(TickOutcome.OrderSent, h.Tick());
    }

    [Fact]
    public void Trades_per_day_limit_denies_and_a_new_trading_day_resets_it()
    {
        var h = new LoopHarness(new RiskOptions { MaxTradesPerDay = 2, MaxPosition = 100, MaxLossStreak = 0, MaxTickAgeMs = 0 });
        h.Tick(); h.Tick();
        Assert.Equal(TickOutcome.Denied, h.Tick());
        Assert.Equal(1, h.Loop.Counters.DeniedFor(DenialCode.DailyTradeLimit));
        h.Time.Advance(TimeSpan.FromHours(24));
        Assert.Equal(TickOutcome.OrderSent, h.Tick());
    }

    [Fact]
    public void Daily_loss_beyond_the_limit_engages_the_breaker_with_source_risk()
    {
        // Dry-run fills at the order price. Long 0.01 from 1.1001; the next mark at 1.09005 is an unrealised
        // loss of (1.09005-1.1001)*0.01*100000 = -10.05, past the limit of 5: gate 1 holds that very tick.
        var h = new LoopHarness(new RiskOptions { MaxDailyLoss = 5, MaxPosition = 100, MaxLossStreak = 0, MaxTickAgeMs = 0 }, dryRun: true);
        Assert.Equal(TickOutcome.OrderSent, h.Tick(1.1000, 1.1001));
        Assert.Equal(TickOutcome.BlockedAtGate1, h.Tick(1.0900, 1.0901));
        Assert.Equal(-10.05, h.Book.DailyPnl, 6);
        Assert.True(h.Breaker.IsEngaged);
        Assert.Equal(BreakerSource.Risk, h.Breaker.State.Source);
        Assert.Contains("daily loss", h.Breaker.State.Reason);
    }

    [Fact]
    public void Loss_streak_at_the_limit_engages_the_breaker()
    {
        var h = new LoopHarness(new RiskOptions { MaxLossStreak = 2, MaxDailyLoss = 1e9, MaxPosition = 100, MaxTickAgeMs = 0 }, dryRun: true);
        for (int i = 0; i < 2; i++)
        {
            h.Tick(1.1000, 1.1001); // BUY @ ask
            h.Tick(1.1000, 1.1001); // SELL @ bid: loses the spread
        }
        h.Tick();
        Assert.True(h.Breaker.IsEngaged);
        Assert.Contains("loss streak", h.Breaker.State.Reason);
    }

    [Fact]
    public void Gateway_fill_ack_and_reject_move_orders_and_unknown_ids_are_counted()
    {
        var h = new LoopHarness();
        h.Tick(); h.Tick();
        Assert.Equal(2, h.Loop.InFlightCount);
        h.Loop.OnAck(1);
        h.Loop.OnFill(1, 0.01, 1.0851);
        h.Loop.OnReject(2, "no liquidity");
        h.Loop.OnFill(99, 0.01, 1.0);
        Assert.Equal(0, h.Loop.InFlightCount);
        Assert.Equal(0.01, h.Book.Net(0), 9);
        var g = h.Loop.Counters.Gateway;
        Assert.Equal((1, 1, 1), (g.Acks, g.Fills, g.Rejects));
        Assert.Equal(1, g.Unknown);
    }

    [Fact]
    public void Unacknowledged_orders_are_flagged_once_after_the_ack_timeout()
    {
        var h = new LoopHarness();
        h.Tick();
        Assert.Equal(0, h.Loop.FlagAckTimeouts(TimeSpan.FromSeconds(2)));
        h.Time.Advance(TimeSpan.FromSeconds(2));
        Assert.Equal(1, h.Loop.FlagAckTimeouts(TimeSpan.FromSeconds(2)));
        Assert.Equal(0, h.Loop.FlagAckTimeouts(TimeSpan.FromSeconds(2)));
    }

    [Fact]
    public void Sequence_gaps_are_counted_with_the_missing_ticks()
    {
        var h = new LoopHarness();
        h.Feed(h.Json(seq: 1));
        h.Feed(h.Json(seq: 2));
        h.Feed(h.Json(seq: 6));
        Assert.Equal((1L, 3L), h.Loop.Counters.Gaps);
    }

    [Fact]
    public void A_transport_refusal_is_counted_and_not_an_order()
    {
        var h = new LoopHarness();
        h.Sink.Refuse = true;
        Assert.Equal(TickOutcome.SendFailed, h.Tick());
        Assert.Equal(0, h.Loop.Counters.Orders);
        Assert.Equal(1, h.Loop.Counters.Gateway.SendFailures);
    }
}
