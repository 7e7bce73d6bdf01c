using System.Text;
using EdgeTrader.Configuration;
using EdgeTrader.KillSwitch;
using EdgeTrader.Tests.Support;
using EdgeTrader.Trading;
using EdgeTrader.Trading.Risk;
using EdgeTrader.Trading.Strategies;

namespace EdgeTrader.Tests.Trading;

/// <summary>What a hostile or broken bridge and gateway can send, and what the loop must then do.</summary>
public sealed class HostileInputTests
{
    [Theory]
    [InlineData(1.7e308, 1.7e308)]
    [InlineData(5e-324, 1.0851)]
    [InlineData(1e300, 1e300)]
    [InlineData(1.3, 1.3001)] // finite, plausible, 20 % from the last mid
    public void A_finite_but_absurd_quote_is_dropped_and_never_reaches_the_strategy_or_the_book(double bid, double ask)
    {
        var h = new LoopHarness(dryRun: true);
        for (int i = 0; i < 4; i++) Assert.Equal(TickOutcome.OrderSent, h.Tick()); // flat again, a band reference
        Assert.Equal(TickOutcome.OrderSent, h.Tick()); // long 0.01
        double unrealized = h.Book.UnrealizedTotal;
        Assert.Equal(TickOutcome.Dropped, h.Feed(h.Json(bid, ask)));
        Assert.Equal(5, h.Sink.Sent.Count);
        Assert.Equal(5, h.Loop.Counters.Accepted);
        Assert.Equal(unrealized, h.Book.UnrealizedTotal);
        Assert.False(h.Breaker.IsEngaged);
    }

    [Fact]
    public void A_tick_stamped_in_the_future_is_stale()
    {
        var h = new LoopHarness();
        Assert.Equal(TickOutcome.OrderSent, h.Tick());
        foreach (long t in new[] { h.NowMs + 3_600_000, h.NowMs + 365L * 86_400_000, long.MaxValue })
            Assert.Equal(TickOutcome.Dropped, h.Feed(h.Json(time: t)));
        Assert.Single(h.Sink.Sent);
        Assert.Equal(1, h.Loop.Counters.Accepted);
    }

    [Fact]
    public void Seq_tracking_cannot_overflow()
    {
        var h = new LoopHarness();
        h.Feed(h.Json(seq: long.MaxValue));
        h.Feed(h.Json(seq: 1));
        Assert.Equal(1, h.Loop.Counters.SeqRestarts);
        Assert.Equal((0L, 0L), h.Loop.Counters.Gaps);
        for (int i = 0; i < 3; i++)
        {
            h.Feed(h.Json(seq: long.MaxValue));
            h.Feed(h.Json(seq: 1));
        }
        var (gaps, missing) = h.Loop.Counters.Gaps;
        Assert.Equal(3, gaps);
        Assert.True(missing > 0, $"missing ticks wrapped to {missing}");
        Assert.Equal(4, h.Loop.Counters.SeqRestarts);
    }

    [Fact]
    public void A_forged_fill_far_beyond_the_orders_limit_engages_and_credits_no_gain()
    {
        var h = new LoopHarness(risk: new RiskOptions { MaxOrdersPerSecond = 1000, MaxPosition = 100, MaxLossStreak = 0, MaxDailyLoss = 1000 });
        h.Tick(1.0850, 1.0851);                  // BUY 0.01 at 1.0851
        h.Loop.OnFill(1, 0.01, 1.0851);
        h.Tick(1.0850, 1.0851);                  // SELL 0.01 limited at 1.0850
        h.Loop.OnFill(2, 0.01, 1_000_000);       // "filled" at a million
        Assert.True(h.Breaker.IsEngaged);
        Assert.Equal(BreakerSource.Gateway, h.Breaker.State.Source);
        Assert.True(h.Book.RealizedToday <= (1.0850 - 1.0851) * 0.01 * 100_000 + 1e-9, $"realised {h.Book.RealizedToday}");
        Assert.Equal(0, h.Book.Net(0), 9);       // the quantity the gateway reported
        Assert.True(h.Log.OfType("fill").All(f => f.Realized <= 1e-9));
    }

    [Fact]
    public void An_overfill_engages_and_books_the_gateways_quantity()
    {
        var h = new LoopHarness();
        h.Tick();
        h.Loop.OnFill(1, 0.05, 1.0851); // 5x the order
        Assert.True(h.Breaker.IsEngaged);
        Assert.Equal(BreakerSource.Gateway, h.Breaker.State.Source);
        Assert.Equal(0.05, h.Book.Net(0), 9);
        Assert.Equal(0, h.Loop.InFlightCount);
    }

    [Fact]
    public void A_fill_worse_than_the_orders_limit_engages_and_is_booked_at_the_gateways_price()
    {
        var h = new LoopHarness();
        h.Tick(); // BUY limited at 1.0851
        h.Loop.OnFill(1, 0.01, 1.0900);
        Assert.True(h.Breaker.IsEngaged);
        Assert.Equal(1.0900, h.Book.AvgPrice(0), 9);
    }

    sealed class ThrowingStrategy : IStrategy
    {
        public string Name => "throws";
        public bool OnTick(in Tick tick, out OrderIntent intent) => throw new InvalidOperationException("profit calculation failed");
    }

    [Fact]
    public void A_strategy_that_throws_engages_and_the_loop_goes_on()
    {
        var time = TestClock.New();
        var risk = new RiskOptions();
        var symbols = new SymbolTable(["EURUSD"]);
        var breaker = new CircuitBreaker(BreakerState.FreshInstall(time.GetUtcNow()), time);
        var book = new PositionBook(1, risk.ContractSize);
        var sink = new LoopHarness.RecordingSink();
        var loop = new TradingLoop(breaker, new TickParser(symbols, TickFormat.Json), new ThrowingStrategy(),
            new PreTradeRisk(risk, new TradingSessions(risk), book, time.TimestampFrequency), book, sink, new InMemoryDecisionLog(),
            new TradingDay(TimeZoneInfo.Utc, time.GetUtcNow()), time, risk.MaxTickAgeMs);
        string tick = $"{{\"symbol\":\"EURUSD\",\"bid\":1.085,\"ask\":1.0851,\"time\":{time.GetUtcNow().ToUnixTimeMilliseconds()}}}";
        for (int i = 0; i < 3; i++) loop.OnPayload(Encoding.UTF8.GetBytes(tick));
        Assert.True(breaker.IsEngaged);
        Assert.Equal(BreakerSource.Risk, breaker.State.Source);
        Assert.StartsWith("CHECK_FAILED", breaker.State.Reason);
        Assert.Empty(sink.Sent);
    }
}
