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
    public void After_midnight_and_a_reset_the_first_tick_trades_on_the_new_days_limits()
    {
        // BUY @1.1001 then SELL @1.1000, dry-run: realised -0.10 today, past the daily-loss limit of 0.08.
        var h = new LoopHarness(new RiskOptions { MaxDailyLoss = 0.08, MaxPosition = 100, MaxLossStreak = 0, MaxTickAgeMs = 0 }, dryRun: true);
        h.Tick(1.1000, 1.1001);
        h.Tick(1.1000, 1.1001);
        Assert.Equal(TickOutcome.BlockedAtGate1, h.Tick(1.1000, 1.1001));
        Assert.Contains("daily loss", h.Breaker.State.Reason);

        h.Time.Advance(TimeSpan.FromHours(24)); // the next trading day: yesterday's loss no longer counts
        Assert.True(h.Breaker.Reset("new day", BreakerSource.Cli).Done);
        Assert.Equal(TickOutcome.OrderSent, h.Tick(1.1000, 1.1001));
        Assert.False(h.Breaker.IsEngaged, h.Breaker.State.Reason);
        Assert.Equal(DateOnly.FromDateTime(h.Time.GetUtcNow().UtcDateTime), h.Book.Day);
        Assert.Equal(1, h.Book.TradesToday);
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
    public void A_winning_close_ends_the_loss_streak()
    {
        var h = new LoopHarness(new RiskOptions { MaxLossStreak = 3, MaxDailyLoss = 1e9, MaxPosition = 100, MaxTickAgeMs = 0 }, dryRun: true);
        h.Tick(1.1000, 1.1001); h.Tick(1.1000, 1.1001); // BUY @ ask, SELL @ bid: a loss
        h.Tick(1.1000, 1.1001); h.Tick(1.1000, 1.1001); // a second loss
        Assert.Equal(2, h.Book.LossStreak);
        h.Tick(1.1000, 1.1001); h.Tick(1.1003, 1.1004); // BUY @ 1.1001, SELL @ 1.1003: a win
        Assert.Equal(0, h.Book.LossStreak);
        for (int i = 0; i < 4; i++) h.Tick(1.1000, 1.1001); // two losses
        Assert.False(h.Breaker.IsEngaged, "the losses before the win do not count");
        h.Tick(1.1000, 1.1001); h.Tick(1.1000, 1.1001); h.Tick();
        Assert.True(h.Breaker.IsEngaged, "three losses after the win engage");
    }

    [Fact]
    public void A_fill_that_flips_the_position_realises_the_closed_part_and_opens_the_rest_at_its_price()
    {
        double net = 0.01, avg = 1.1;
        double realized = PositionMath.Apply(ref net, ref avg, Side.Sell, 0.03, 1.2, 100_000);
        Assert.Equal(100, realized, 6);  // (1.2 - 1.1) x 0.01 x 100,000
        Assert.Equal(-0.02, net, 9);
        Assert.Equal(1.2, avg, 9);
        realized = PositionMath.Apply(ref net, ref avg, Side.Sell, 0.02, 1.0, 100_000); // adds: a new average, nothing realised
        Assert.Equal((0, -0.04, 1.1), (realized, Math.Round(net, 9), Math.Round(avg, 9)));
        realized = PositionMath.Apply(ref net, ref avg, Side.Buy, 0.04, 1.0, 100_000); // closes flat
        Assert.Equal((400, 0, 0), (Math.Round(realized, 6), net, avg));
    }

    [Theory]
    [InlineData(2, -0.5, 3)]
    [InlineData(2, 0.5, 0)]
    [InlineData(2, 0.0, 2)]
    [InlineData(0, 0.0, 0)]
    public void The_loss_streak_grows_with_a_loss_ends_with_a_win_and_stays_on_break_even(int streak, double realized, int after)
    {
        Assert.Equal(after, PositionMath.LossStreakAfter(streak, realized));
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

    [Theory]
    [InlineData(0.0, 1.1)]
    [InlineData(-0.01, 1.1)]
    [InlineData(double.NaN, 1.1)]
    [InlineData(double.PositiveInfinity, 1.1)]
    [InlineData(0.01, 0.0)]
    [InlineData(0.01, -1.1)]
    [InlineData(0.01, double.NaN)]
    [InlineData(0.01, double.PositiveInfinity)]
    public void A_fill_whose_quantity_or_price_is_not_finite_and_positive_changes_nothing(double qty, double price)
    {
        var h = new LoopHarness();
        h.Tick();
        h.Loop.OnFill(1, qty, price);
        h.Loop.RestoreInFlight([new PendingOrder { Id = "pi-1-4-000001", SymbolId = 0, Side = Side.Buy, Qty = 0.01 }], holdOrders: false);
        Assert.False(h.Loop.OnRestoredFill("pi-1-4-000001", qty, price));
        Assert.Equal(0, h.Book.Net(0));
        Assert.Equal(2, h.Loop.InFlightCount);
        Assert.Equal(1, h.Loop.Counters.Gateway.Unknown);
        Assert.Empty(h.Log.OfType("fill"));
    }

    [Fact]
    public void An_overfill_books_what_the_gateway_reports_and_engages()
    {
        var h = new LoopHarness();
        h.Tick();
        h.Loop.OnFill(1, 0.004, 1.0851);
        h.Loop.OnFill(1, 5.0, 1.0851); // the gateway fills more than was ordered: if it is right, that is the exposure
        Assert.Equal(5.004, h.Book.Net(0), 9);
        Assert.Equal(0, h.Loop.InFlightCount);
        Assert.Equal([0.004, 5.0], h.Log.OfType("fill").Select(f => Math.Round(f.Qty, 9)));
        Assert.Equal(1, h.Loop.Counters.AnomalyCount(AnomalyCode.Overfill));
        Assert.Contains(h.Log.OfType("anomaly"), a => a.Text!.StartsWith("OVERFILL", StringComparison.Ordinal));
        Assert.True(h.Breaker.IsEngaged);
        h.Loop.RestoreInFlight([new PendingOrder { Id = "pi-1-4-000001", SymbolId = 0, Side = Side.Sell, Qty = 0.02, Price = 1.0850 }], holdOrders: false);
        Assert.True(h.Loop.OnRestoredFill("pi-1-4-000001", 1.0, 1.0850));
        Assert.Equal(4.004, h.Book.Net(0), 9);
        Assert.Equal(0, h.Loop.RestoredCount);
        Assert.Equal(2, h.Loop.Counters.AnomalyCount(AnomalyCode.Overfill));
    }

    [Fact]
    public void An_order_the_decisions_log_cannot_record_does_not_leave()
    {
        var h = new LoopHarness();
        Assert.Equal(TickOutcome.OrderSent, h.Tick());
        h.Log.Fail("disk full");
        Assert.Equal(TickOutcome.Denied, h.Tick());
        Assert.Equal(1, h.Loop.Counters.DeniedFor(DenialCode.JournalUnavailable));
        Assert.Single(h.Sink.Sent);
    }

    [Fact]
    public void Every_order_and_denial_is_in_the_decisions_log_with_its_tick()
    {
        var h = new LoopHarness(new RiskOptions { MaxOrdersPerSecond = 2, MaxPosition = 100, MaxLossStreak = 0 });
        h.Tick(); h.Tick(); h.Tick();
        Assert.Equal(["order", "order", "denial"], h.Log.Records.Select(r => r.Type));
        Assert.Equal([1L, 2, 3], h.Log.Records.Select(r => r.TickSeq));
        Assert.Equal(DenialCode.RateLimitExceeded, h.Log.Records[2].Code);
    }

    [Fact]
    public void Only_ids_this_run_writes_name_its_orders()
    {
        var ids = new OrderIds("pi-1", 5);
        Assert.True(ids.TryParse("pi-1-5-000042"u8, out long seq));
        Assert.Equal(42, seq);
        Assert.True(ids.TryParse("pi-1-5-1234567"u8, out seq));
        Assert.Equal(1234567, seq);
        foreach (var id in new[] { "pi-1-5-42", "pi-1-5-0000042", "pi-1-5-+00042", "pi-1-5- 00042", "pi-1-5-000042 ", "pi-1-4-000042", "pi-2-5-000042", "pi-1-5-", "pi-1-5--00001" })
            Assert.False(ids.TryParse(System.Text.Encoding.UTF8.GetBytes(id), out _), id);
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
